"""Every page of every browser test is watched for JavaScript errors (see conftest.py)."""

import pytest

pytestmark = pytest.mark.e2e


def caught(page, console_errors, count: int = 1) -> list[str]:
    """The errors seen so far, once `count` of them arrived; then forgotten (the test passes)."""
    for _ in range(50):
        if len(console_errors.errors) >= count:
            break
        page.wait_for_timeout(50)
    errors, console_errors.errors[:] = list(console_errors.errors), []
    return errors


def test_console_error_and_uncaught_exception_are_caught(open_page, owner, console_errors):
    page = open_page(owner, "/")
    page.evaluate("console.error('boom from a test')")
    assert [e for e in caught(page, console_errors) if "boom from a test" in e]
    page.evaluate("setTimeout(() => { throw new Error('kaboom from a test'); })")
    errors = caught(page, console_errors)
    assert errors and errors[0].startswith("page error:") and "kaboom from a test" in errors[0]


def test_pages_made_without_open_page_are_watched_too(page, open_page, owner, console_errors):
    # pytest-playwright's own `page` fixture…
    page.goto("about:blank")
    page.evaluate("console.error('from the page fixture')")
    assert caught(page, console_errors)
    # …and a second page of an open_page context.
    other = open_page(owner, "/").context.new_page()
    other.goto("about:blank")
    other.evaluate("console.error('from a second page')")
    assert caught(other, console_errors)
