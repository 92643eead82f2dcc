"""Comments in a real browser: @mention autocomplete by keyboard (in a comment box that htmx
swapped into the plan page, and in a reply box), Markdown and mentions rendered, edit and
delete by the author; without JavaScript the box is a plain textarea that still works."""

import pytest
from playwright.sync_api import Page, expect

from planhub.accounts.models import Profile
from planhub.notifications.models import Notification
from planhub.projects.models import Role
from planhub.reviews.models import Comment
from tests.factories import add_member, make_user

from .conftest import SCREENSHOT_DIR
from .helpers import section_named
from .test_accessibility import check_axe

pytestmark = pytest.mark.e2e


def shoot(page: Page, element, name: str) -> None:
    """The viewport with `element` in view (the plan page is too long for a full-page shot)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    element.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), animations="disabled")


@pytest.fixture
def team(project, owner, editor, reviewer, viewer):
    profile = Profile.of(editor)
    profile.display_name = "Eddie Editor"
    profile.save()
    eve = make_user("eve")
    add_member(project, eve, Role.REVIEWER)
    return {"eve": eve}


def listbox(page: Page, box):
    return page.locator(f"#{box.get_attribute('aria-controls')}")


def open_comments(page: Page, section):
    page.locator(f"#comments-link-{section.pk}").click()
    box = page.get_by_label("New comment")
    expect(box).to_be_visible()
    return box


def test_mention_autocomplete_by_keyboard(open_page, reviewer, editor, plan, team):
    overview = section_named(plan, "Overview")
    page = open_page(reviewer, plan.get_absolute_url())
    box = open_comments(page, overview)  # swapped in by htmx
    box.click()
    box.press_sequentially("Over to **you**, @e")
    options = page.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("@eddie")
    expect(options.nth(0)).to_contain_text("Eddie Editor")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    expect(page.locator("#mention-status")).to_contain_text("@eddie, Eddie Editor, 1 of 2")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(page.locator("#mention-status")).to_contain_text("@eve, 2 of 2")
    box.press("ArrowDown")  # wraps round
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    shoot(page, box, "comments-mention-1280")
    violations = check_axe(page, "comments-mention-list")  # fails on serious or critical ones
    assert not [v for v in violations if "mention" in " ".join(v["targets"])], violations
    box.press("Enter")
    expect(listbox(page, box)).to_be_hidden()
    expect(box).to_have_value("Over to **you**, @eddie ")
    # Escape closes the list and leaves the text as typed.
    box.press_sequentially("and @v")
    expect(page.get_by_role("option")).to_have_count(1)
    box.press("Escape")
    expect(listbox(page, box)).to_be_hidden()
    expect(box).to_have_value("Over to **you**, @eddie and @v")
    expect(box).to_be_focused()
    box.press_sequentially("ictor.")
    page.get_by_role("button", name="Comment", exact=True).click()

    thread = page.locator(f"#comments-{overview.pk} .thread")
    expect(thread.locator(".comment-body strong")).to_have_text("you")
    expect(thread.locator(".mention")).to_have_text(["@Eddie Editor", "@victor"])
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "eddie",
        "victor",
    ]

    # The reply box of the new thread (swapped in by the answer): Tab inserts.
    reply = thread.get_by_label("Reply to rita")
    reply.click()
    reply.press_sequentially("Thanks @ol")
    expect(page.get_by_role("option")).to_have_count(1)
    reply.press("Tab")
    expect(reply).to_have_value("Thanks @olivia ")
    expect(reply).to_be_focused()
    reply.press("Control+Enter")  # sends the reply
    expect(thread.locator(".reply .mention")).to_have_text("@olivia")


def test_author_edits_and_deletes(open_page, reviewer, editor, plan, team):
    overview = section_named(plan, "Overview")
    thread = Comment.write(section=overview, author=reviewer, body="First draft").comment
    Comment.write(section=overview, author=editor, body="A reply", parent=thread)
    page = open_page(reviewer, plan.get_absolute_url())
    open_comments(page, overview)
    comments = page.locator(f"#comments-{overview.pk}")
    # Only her own comment has Edit and Delete.
    expect(comments.get_by_role("link", name="Edit comment by rita")).to_have_count(1)
    expect(comments.get_by_role("link", name="Edit comment by eddie")).to_have_count(0)
    comments.get_by_role("link", name="Edit comment by rita").click()
    box = comments.get_by_label("Edit your comment (Markdown)")
    expect(box).to_have_value("First draft")
    box.fill("Second *draft*, @eddie")
    comments.get_by_role("button", name="Save").click()
    expect(comments.locator(f"#comment-{thread.pk} .comment-body em")).to_have_text("draft")
    expect(comments.locator(f"#comment-{thread.pk} .comment-edited")).to_contain_text("edited")
    shoot(page, comments, "comments-edited-1280")
    comments.get_by_role("button", name="Delete comment by rita").click()
    expect(comments.locator(f"#comment-{thread.pk} .comment-deleted")).to_have_text(
        "Comment deleted"
    )
    expect(comments.locator(".reply")).to_contain_text("A reply")


def test_phone_width_autocomplete(open_page, reviewer, plan, team):
    overview = section_named(plan, "Overview")
    Comment.write(section=overview, author=reviewer, body="Can **@eddie** check `this`?")
    page = open_page(reviewer, plan.get_absolute_url(), viewport={"width": 375, "height": 800})
    box = open_comments(page, overview)
    box.click()
    box.press_sequentially("@")
    expect(page.get_by_role("option")).to_have_count(5)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways ({width}px)"
    shoot(page, box, "comments-mention-375")


def test_without_javascript_the_box_is_a_plain_textarea(open_page, reviewer, plan, team):
    overview = section_named(plan, "Overview")
    url = plan.get_absolute_url() + f"sections/{overview.pk}/comments/"
    page = open_page(reviewer, url, javascript=False)
    box = page.get_by_label("New comment")
    assert box.get_attribute("aria-controls") is None
    box.fill("Plain @eddie")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator(".thread .mention")).to_have_text("@Eddie Editor")
