"""The plan page's layout on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from .conftest import PHONE
from .helpers import editor_form, section_named

pytestmark = pytest.mark.e2e


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when nothing sticks out)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_plan_page_on_desktop_has_outline_beside_text(open_page, plan, owner, screenshot):
    page = open_page(owner, plan.get_absolute_url())
    outline = page.locator("#outline").bounding_box()
    body = page.locator("article.plan-body").bounding_box()
    assert outline["x"] + outline["width"] <= body["x"], "the outline is beside the text"
    assert horizontal_overflow(page) <= 0
    screenshot(page, "plan-page")


def test_plan_page_at_phone_width(open_page, plan, owner, screenshot):
    page = open_page(owner, plan.get_absolute_url(), viewport=PHONE)
    screenshot(page, "plan-phone")
    expect(page.locator("main h1")).to_have_text(plan.title)
    # One column: the outline above the text.
    outline = page.locator("#outline").bounding_box()
    body = page.locator("article.plan-body").bounding_box()
    assert outline["y"] + outline["height"] <= body["y"], "the outline is above the text"

    overview = section_named(plan, "Overview")
    page.get_by_role("link", name="Edit Overview", exact=True).click()
    form = editor_form(page, overview)
    expect(form.locator("textarea[name=body]")).to_be_focused()
    screenshot(page, "plan-phone-editor")


def test_plan_page_does_not_scroll_sideways_on_a_phone(open_page, plan, owner):
    page = open_page(owner, plan.get_absolute_url(), viewport=PHONE)
    assert page.locator("article.plan-body").bounding_box()["width"] <= PHONE["width"]
    assert horizontal_overflow(page) <= 0, "the page scrolls sideways on a phone"
