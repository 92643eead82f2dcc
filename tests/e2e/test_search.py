"""Searching from the top bar: "/" focuses the box, Enter searches, the hit is highlighted and
leads to its section; the top bar and the results fit a phone."""

import re

import pytest
from playwright.sync_api import expect

from planhub.reviews.models import Comment
from tests.factories import make_plan

from .conftest import SCREENSHOT_DIR

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 800}
BOX = "Search plans, sections and comments"


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def searchable(project, owner, reviewer):
    """A plan from the feature template with a distinctive sentence in a section far down."""
    plan = make_plan(project, author=owner)
    section = plan.sections.filter(level=2).order_by("position").last()
    section.save_edit(
        author=owner,
        heading=section.heading,
        body="If the release misbehaves, flip the kill switch <em>first</em>, then roll back.\n",
        base_version=section.version,
    )
    other = plan.sections.filter(level=2).order_by("position").first()
    Comment.objects.create(section=other, author=reviewer, body="Who owns the kill switch?")
    return plan, section


def test_search_from_the_top_bar_to_the_section(open_page, owner, searchable, screenshot):
    plan, section = searchable
    page = open_page(owner, "/")
    box = page.get_by_role("searchbox", name=BOX)
    page.keyboard.press("/")
    expect(box).to_be_focused()
    box.fill("kill switch")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=kill\+switch$"))
    expect(page.get_by_role("searchbox", name=BOX)).to_have_value("kill switch")
    expect(page.locator(".search-summary")).to_contain_text("2 results")
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(2)
    first = hits.first  # the section's text ranks above the comment
    expect(first.locator(".kind-badge")).to_have_text("Section")
    expect(first.locator("mark")).to_have_text(["kill", "switch"])
    expect(first.locator(".search-snippet")).to_contain_text("flip the kill switch <em>first</em>")
    expect(hits.nth(1).locator(".kind-badge")).to_have_text("Comment")
    # The time is written absolute and shown relative by timeago.js, as on the other pages.
    expect(first.locator("time[data-ago]")).to_have_text("just now")
    expect(first.locator(".search-hit-meta")).to_contain_text("· updated just now")
    assert horizontal_overflow(page) <= 0
    screenshot(page, "search-results")

    first.get_by_role("link", name=section.heading).click()
    expect(page).to_have_url(re.compile(rf"{plan.get_absolute_url()}#section-{section.pk}$"))
    landed = page.locator(f"#section-{section.pk}")
    expect(landed).to_be_in_viewport()
    # Marked, so the eye finds where the result is (and no other section is).
    expect(landed).to_have_css("background-color", "rgb(255, 251, 234)")
    expect(page.locator(".plan-section:target")).to_have_count(1)
    # What the reader sees on landing (not scrolled back to the top, as `screenshot` does).
    page.screenshot(path=str(SCREENSHOT_DIR / "search-landed.png"))


def test_slash_is_typed_in_fields_and_escape_leaves_the_box(open_page, owner, searchable):
    page = open_page(owner, "/projects/new/")
    name = page.get_by_label("Name")
    name.click()
    page.keyboard.type("a/b")
    expect(name).to_have_value("a/b")  # "/" in a field is text, not the shortcut
    box = page.get_by_role("searchbox", name=BOX)
    box.focus()
    page.keyboard.press("Escape")
    expect(box).not_to_be_focused()


def test_search_on_a_phone(open_page, owner, searchable, screenshot):
    page = open_page(owner, "/search/?q=kill+switch", viewport=PHONE)
    box = page.get_by_role("searchbox", name=BOX)
    expect(box).to_be_visible()
    expect(page.locator(".search-hit")).to_have_count(2)
    assert horizontal_overflow(page) <= 0, "the page scrolls sideways on a phone"
    # The box has a row of its own under the brand and the links, as wide as the bar.
    brand = page.locator(".brand").bounding_box()
    logout = page.get_by_role("button", name="Log out").bounding_box()
    field = box.bounding_box()
    assert (
        field["y"] >= brand["y"] + brand["height"] and field["y"] >= logout["y"] + logout["height"]
    )
    assert field["width"] >= PHONE["width"] - 40
    assert logout["x"] + logout["width"] <= PHONE["width"]
    screenshot(page, "search-phone")
    page.goto(page.url.split("/search/")[0] + "/search/")
    expect(page.get_by_text("It looks through every project you are a member of")).to_be_visible()
    screenshot(page, "search-phone-empty")
