"""Flash messages must not get in the way."""

import pytest
from playwright.sync_api import expect

from tests.factories import builtin_template

pytestmark = pytest.mark.e2e


def covering_element(page, locator) -> str:
    """What the browser would click at the centre of `locator` ("" when it is the element)."""
    return locator.evaluate(
        """el => {
            const r = el.getBoundingClientRect();
            const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return el.contains(top) ? "" : top.outerHTML.slice(0, 120);
        }"""
    )


def test_success_message_leaves_top_navigation_clickable(open_page, project, owner):
    template = builtin_template("feature-plan")
    page = open_page(owner, f"/p/apollo/plans/new/?template={template.pk}")
    page.get_by_label("Feature Name", exact=True).fill("A name long enough to wrap the message")
    page.get_by_role("button", name="Create plan").click()
    expect(page.locator(".flash-success")).to_be_visible()

    for control in (page.get_by_role("button", name="Log out"),
                    page.locator(".topnav").get_by_role("link", name="Dashboard")):  # fmt: skip
        assert covering_element(page, control) == ""
