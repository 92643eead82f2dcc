"""The inbox and the preferences in the browser: entries from several plans, mark one and all
read without a reload (the top bar's count follows), the empty inbox, the preferences table
saved by keyboard; screenshots at 1280 and 375 px (in /tmp/shots/notify/)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from planhub.notifications.models import Notification, Preference
from planhub.notifications.notify import notify
from tests.factories import make_plan

from .helpers import assert_no_reload, mark_page
from .test_accessibility import check_axe

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots/notify")
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 800}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def several_plans(project, owner, editor, reviewer):
    first = make_plan(project, author=owner)
    billing = make_plan(project, author=owner, text="# Billing rewrite\n\n## Scope\n\nAll.\n")
    url = first.get_absolute_url()
    notify("review_requested", [reviewer], title=f"Olivia asked you to review “{first.title}”",
           url=url, actor=owner, plan=first)  # fmt: skip
    notify("mention", [reviewer], title="Eddie mentioned you in Billing rewrite › Scope",
           url=billing.get_absolute_url(), actor=editor, plan=billing,
           detail="@rita can you check the rollback plan before Friday?")  # fmt: skip
    notify("signoff_assigned", [reviewer], title="Olivia assigned you the sign-off “Plan approval”",
           url=url, actor=owner, plan=first)  # fmt: skip
    notify("comment_reply", [reviewer], title="Eddie replied to your comment on Overview",
           url=url, actor=editor, plan=first)  # fmt: skip
    Notification.objects.filter(title__startswith="Olivia asked").update(
        read_at="2026-01-01T00:00Z"
    )
    return first, billing


def test_the_inbox_grouped_by_plan_marks_read_without_a_reload(open_page, reviewer, several_plans):
    page = open_page(reviewer, "/notifications/", viewport=WIDE)
    badge = page.locator("#unread-badge")
    expect(badge).to_have_text("3 unread")
    groups = page.locator(".inbox-group-title")
    expect(groups).to_have_count(2)
    expect(page.locator(".inbox-entry.unread")).to_have_count(3)
    shoot(page, "inbox-1280")
    check_axe(page, "notifications-inbox")

    mark_page(page)
    page.get_by_role("button", name="Mark read: Eddie replied to your comment on Overview").click()
    expect(page.locator(".inbox-entry.unread")).to_have_count(2)
    expect(badge).to_have_text("2 unread")  # the top bar follows, no reload
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator(".inbox-entry.unread")).to_have_count(0)
    expect(page.locator("#inbox-summary")).to_have_text("Nothing unread · 4 in all")
    expect(page.locator("#unread-badge")).to_have_text("")
    assert_no_reload(page)
    assert not Notification.objects.filter(recipient=reviewer, read_at__isnull=True).exists()


def test_following_an_entry_opens_its_place_and_marks_it_read(open_page, reviewer, several_plans):
    first, billing = several_plans
    page = open_page(reviewer, "/notifications/")
    page.get_by_role("link", name="Unread: Eddie mentioned you in Billing rewrite › Scope").click()
    expect(page).to_have_url(re.compile(re.escape(billing.get_absolute_url()) + "$"))
    expect(page.locator("#unread-badge")).to_have_text("2 unread")


def test_the_inbox_on_a_phone(open_page, reviewer, several_plans):
    page = open_page(reviewer, "/notifications/", viewport=PHONE)
    expect(page.locator(".inbox-entry")).to_have_count(4)
    assert overflow(page) <= 0
    shoot(page, "inbox-375")


def test_the_empty_inbox(open_page, reviewer):
    for name, viewport in (("1280", WIDE), ("375", PHONE)):
        page = open_page(reviewer, "/notifications/", viewport=viewport)
        expect(page.get_by_text("No notifications yet.")).to_be_visible()
        assert overflow(page) <= 0
        shoot(page, f"inbox-empty-{name}")
    check_axe(page, "notifications-inbox-empty")


def test_preferences_are_chosen_by_keyboard_and_saved(open_page, reviewer):
    page = open_page(reviewer, "/notifications/preferences/", viewport=WIDE)
    never = page.get_by_role("radio", name="Someone mentioned me Never (inbox only)")
    expect(page.get_by_role("radio", name="Someone mentioned me Immediately")).to_be_checked()
    never.focus()
    page.keyboard.press("Space")
    expect(never).to_be_checked()
    page.get_by_label("Hourly").check()
    shoot(page, "preferences-1280")
    check_axe(page, "notification-preferences")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status").filter(has_text="preferences are saved")).to_be_visible()
    expect(
        page.get_by_role("radio", name="Someone mentioned me Never (inbox only)")
    ).to_be_checked()
    assert Preference.deliveries([reviewer.pk])[reviewer.pk]["mention"] == "never"


def test_preferences_on_a_phone(open_page, reviewer):
    page = open_page(reviewer, "/notifications/preferences/", viewport=PHONE)
    expect(page.get_by_role("button", name="Save preferences")).to_be_visible()
    shoot(page, "preferences-375")


def test_the_unsubscribe_page_without_logging_in(open_page, reviewer):
    from planhub.notifications.unsubscribe import make_token

    reviewer.email = "rita@example.com"
    reviewer.save()
    page = open_page(None, f"/notifications/unsubscribe/{make_token(reviewer.pk, ['mention'])}/")
    check_axe(page, "notification-unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator(".alert[role=status]")).to_contain_text(
        "No more e-mail to rita@example.com"
    )
    shoot(page, "unsubscribed-1280")
    assert Preference.deliveries([reviewer.pk])[reviewer.pk]["mention"] == "never"


def test_the_top_bar_count_refreshes_when_the_tab_is_shown_again(open_page, reviewer, plan):
    page = open_page(reviewer, "/")
    expect(page.locator("#unread-badge")).to_have_text("")
    mark_page(page)
    notify("mention", [reviewer], title="New while away", url="/", plan=plan)
    # What the browser does when the person comes back to the tab (the 30 s poll is paused
    # while it is hidden).
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("#unread-badge")).to_have_text("1 unread")
    assert_no_reload(page)
