"""A project template's placeholder kinds, changed on its page: with HTMX (the panel alone is
swapped) and without JavaScript (a plain form post), at desktop and phone width."""

import pytest
from playwright.sync_api import expect

from planhub.plans.models import PlanTemplate

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}

DECISION_RECORD = """\
# {short title of the decision}

## Context

{Describe the context.} Owner: {owner}.

## Options

* {option 1}
* {option 2}
"""


@pytest.fixture
def decision(project, owner):
    return PlanTemplate.create_uploaded(
        project=project, text=DECISION_RECORD, name="Decision record", author=owner
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_change_the_placeholder_kinds(
    open_page, editor, decision, screenshot, viewport, console_errors
):
    console_errors.allow(r"status of 422 \(Unprocessable Entity\)")  # the refused save
    width = "phone" if viewport is PHONE else "desktop"
    page = open_page(editor, f"/p/apollo/templates/{decision.pk}/", viewport=viewport)
    panel = page.locator("#placeholder-syntaxes")
    expect(panel.get_by_label("Curly braces", exact=False)).to_be_checked()
    expect(panel).to_contain_text("5 in this template")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    panel.scroll_into_view_if_needed()
    screenshot(page, f"template-syntaxes-{width}")

    # Nothing chosen: a clear error, the panel swapped in place.
    panel.get_by_label("Curly braces", exact=False).uncheck()
    panel.get_by_label("NEEDS CLARIFICATION marks").uncheck()
    panel.get_by_role("button", name="Save placeholder kinds").click()
    expect(page.locator("#syntaxes-error")).to_have_text("Choose at least one kind of placeholder.")
    screenshot(page, f"template-syntaxes-error-{width}")

    page.locator("#placeholder-syntaxes").get_by_label("Square brackets").check()
    page.get_by_role("button", name="Save placeholder kinds").click()
    expect(page.locator(".syntax-notice")).to_contain_text("count 0 placeholders")
    decision.refresh_from_db()
    assert decision.placeholder_syntaxes == ["square"]


def test_without_javascript_the_form_posts_and_comes_back(open_page, editor, decision):
    page = open_page(editor, f"/p/apollo/templates/{decision.pk}/", javascript=False)
    page.locator("#placeholder-syntaxes").get_by_label("Angle brackets", exact=False).check()
    page.get_by_role("button", name="Save placeholder kinds").click()
    expect(page.get_by_role("heading", name="Decision record", level=1)).to_be_visible()
    expect(page.get_by_text("Plans made from it before keep theirs.").first).to_be_visible()
    decision.refresh_from_db()
    assert decision.placeholder_syntaxes == ["needs_clarification", "curly", "angle"]
