"""The inbox (/notifications/): newest first, grouped by plan, unread marked, each entry
opening its place (and so read); mark one or all read, with HTMX and without; the top bar's
unread count. Only the recipient sees a notification."""

import re

import pytest
from django.urls import reverse

from planhub.notifications.models import Notification
from planhub.notifications.notify import notify

INBOX = "/notifications/"
HX = {"HTTP_HX_REQUEST": "true"}


def tell(user, plan, title, actor=None):
    [n] = notify(
        "mention", [user], title=title, url=plan.get_absolute_url(), plan=plan, actor=actor
    )
    return n


@pytest.fixture
def inbox(plan, second_plan, owner, reviewer):
    return {
        "old": tell(reviewer, plan, "Old mention on the first plan", owner),
        "other": tell(reviewer, second_plan, "A mention on billing", owner),
        "new": tell(reviewer, plan, "New mention on the first plan", owner),
        "theirs": tell(owner, plan, "Olivia's own notification"),
    }


def test_the_inbox_is_newest_first_grouped_by_plan_unread_marked(client, reviewer, inbox, plan):
    client.force_login(reviewer)
    inbox["old"].mark_read()
    html = client.get(INBOX).content.decode()
    # The first plan (its newest entry is the newest) then billing; inside, newest first.
    assert html.index(plan.title) < html.index("Billing rewrite")
    assert (
        html.index("New mention") < html.index("Old mention") < html.index("A mention on billing")
    )
    assert "Olivia's own notification" not in html
    new = html[html.index(f'id="notification-{inbox["new"].pk}"') :][:600]
    old = html[html.index(f'id="notification-{inbox["old"].pk}"') :][:600]
    assert 'class="inbox-entry unread"' in new and "Unread: </span>" in new
    assert "unread" not in old.split(">")[0] and "Mark read" not in old
    assert "2 unread" in html and "3 in all" in html
    assert f'href="{reverse("notification_open", args=[inbox["new"].pk])}"' in html


def test_the_top_bar_shows_the_unread_count_on_every_page(client, reviewer, inbox):
    client.force_login(reviewer)
    html = client.get("/").content.decode()
    assert '<a href="/notifications/" class="inbox-link">Notifications' in html
    assert '<span class="unread-count">3</span><span class="visually-hidden"> unread</span>' in html
    assert 'hx-trigger="every 30s, notificationsChanged from:body"' in html
    fragment = client.get(reverse("notifications_unread")).content.decode()
    assert fragment.startswith('<span id="unread-badge"') and ">3</span>" in fragment


def test_no_count_for_anonymous_visitors_and_none_when_all_is_read(client, reviewer, db):
    assert "inbox-link" not in client.get("/accounts/login/").content.decode()
    client.force_login(reviewer)
    html = client.get("/").content.decode()
    assert "inbox-link" in html and "unread-count" not in html


def test_the_count_costs_one_query(client, reviewer, inbox, django_assert_num_queries):
    client.force_login(reviewer)
    client.get("/")  # warm
    with django_assert_num_queries(3):  # session, user, the count
        client.get(reverse("notifications_unread"))


def test_opening_an_entry_marks_it_read_and_goes_to_its_place(client, reviewer, inbox, plan):
    client.force_login(reviewer)
    response = client.get(reverse("notification_open", args=[inbox["new"].pk]))
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    inbox["new"].refresh_from_db()
    assert inbox["new"].read_at is not None


def test_an_entry_pointing_off_site_is_not_followed(client, reviewer, plan):
    [n] = notify("mention", [reviewer], title="t", url="https://evil.example/", plan=plan)
    client.force_login(reviewer)
    response = client.get(reverse("notification_open", args=[n.pk]))
    assert response["Location"] == INBOX


@pytest.mark.parametrize("name", ["notification_open", "notification_read"])
def test_someone_elses_notification_is_not_found(client, reviewer, inbox, name):
    client.force_login(reviewer)
    method = client.get if name == "notification_open" else client.post
    assert method(reverse(name, args=[inbox["theirs"].pk])).status_code == 404
    assert method(f"/notifications/{2**70}/{name.split('_')[1]}/").status_code == 404
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None


def test_mark_one_read_without_javascript(client, reviewer, inbox):
    client.force_login(reviewer)
    url = reverse("notification_read", args=[inbox["new"].pk])
    response = client.post(url, {"next": "/notifications/?page=1"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?page=1"
    assert client.post(url, {"next": "https://evil.example/"})["Location"] == INBOX
    assert Notification.objects.get(pk=inbox["new"].pk).read_at is not None


def test_mark_one_read_with_htmx_swaps_the_entry_and_updates_the_count(client, reviewer, inbox):
    client.force_login(reviewer)
    response = client.post(reverse("notification_read", args=[inbox["new"].pk]), **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "notificationsChanged" in response["HX-Trigger"]
    assert html.strip().startswith(f'<li id="notification-{inbox["new"].pk}" class="inbox-entry"')
    assert "Mark read" not in html


def test_mark_all_read(client, reviewer, inbox):
    client.force_login(reviewer)
    response = client.post(reverse("notifications_read_all"), follow=True)
    assert "Marked 3 notifications read." in response.content.decode()
    assert not Notification.objects.filter(recipient=reviewer, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=inbox["theirs"].pk).read_at is None  # not others'


def test_mark_all_read_with_htmx_returns_the_inbox(client, reviewer, inbox):
    client.force_login(reviewer)
    response = client.post(reverse("notifications_read_all"), {"page": "1"}, **HX)
    html = response.content.decode()
    assert "notificationsChanged" in response["HX-Trigger"]
    assert html.strip().startswith('<div id="inbox"') and "Nothing unread" in html
    assert "Mark all read" not in html and 'class="inbox-entry unread"' not in html


def test_an_empty_inbox_says_so(client, reviewer):
    client.force_login(reviewer)
    html = client.get(INBOX).content.decode()
    assert "No notifications yet." in html and "Mark all read" not in html
    assert 'href="/notifications/preferences/"' in html


def test_the_inbox_is_paginated(client, reviewer, plan):
    for n in range(30):
        tell(reviewer, plan, f"Mention number {n:02d}")
    client.force_login(reviewer)
    first = client.get(INBOX).content.decode()
    assert "Mention number 29" in first and "Mention number 04" not in first
    assert "Page 1 of 2" in first and 'href="?page=2" rel="next"' in first
    second = client.get(INBOX + "?page=2").content.decode()
    assert "Mention number 04" in second and "Mention number 29" not in second


@pytest.mark.parametrize(("page", "status"), [("abc", 400), ("0", 400), ("²", 400), ("9", 404)])
def test_a_bad_page_is_refused_clearly(client, reviewer, inbox, page, status):
    client.force_login(reviewer)
    response = client.get(INBOX, {"page": page})
    assert response.status_code == status


def test_the_inbox_query_count_does_not_grow_with_entries(
    client, reviewer, plan, second_plan, django_assert_num_queries
):
    for n in range(20):
        tell(reviewer, plan if n % 2 else second_plan, f"m{n}")
    client.force_login(reviewer)
    client.get(INBOX)
    # Session, user, the total and the unread count (also the top bar's), the page's entries.
    with django_assert_num_queries(4):
        assert client.get(INBOX).status_code == 200
    for n in range(60):
        tell(reviewer, plan, f"more {n}")
    with django_assert_num_queries(4):
        assert client.get(INBOX).status_code == 200


def test_the_inbox_counts_follow_each_notification(client, reviewer, owner, plan, inbox):
    """ "N unread · M in all": a new notification, one of someone else's, one read, all read."""
    client.force_login(reviewer)

    def summary():
        html = client.get(INBOX).content.decode()
        return re.search(r'id="inbox-summary"[^>]*>([^<]*)<', html).group(1)

    unread = Notification.objects.filter(recipient=reviewer, read_at__isnull=True).count()
    total = Notification.objects.filter(recipient=reviewer).count()
    assert summary() == f"{unread} unread · {total} in all"
    tell(reviewer, plan, "one more")
    assert summary() == f"{unread + 1} unread · {total + 1} in all"
    tell(owner, plan, "not the reviewer's")
    assert summary() == f"{unread + 1} unread · {total + 1} in all"
    Notification.objects.filter(recipient=reviewer, read_at__isnull=True).first().mark_read()
    assert summary() == f"{unread} unread · {total + 1} in all"
    Notification.objects.filter(recipient=reviewer).mark_read()
    assert summary() == f"Nothing unread · {total + 1} in all"


def test_a_kept_entry_follows_being_read_and_its_page(client, reviewer, plan, inbox):
    """Entries are kept rendered (notifications/entries.py): being read, or being shown on
    another page, gives a new one; the CSRF token is filled in; times are absolute."""
    client.force_login(reviewer)
    new = inbox["new"]
    read_form = reverse("notification_read", args=[new.pk])
    for _ in range(2):  # the second from the cache
        html = client.get(INBOX).content.decode()
        assert read_form in html and "data-ago" in html and " ago<" not in html
        assert 'name="csrfmiddlewaretoken" value="csrf-' not in html
    new.mark_read()
    html = client.get(INBOX).content.decode()
    assert read_form not in html and "New mention on the first plan" in html
    for n in range(30):
        tell(reviewer, plan, f"Mention number {n:02d}")
    old = reverse("notification_read", args=[inbox["old"].pk])
    html = client.get(INBOX + "?page=2").content.decode()
    entry = html[html.index(f'action="{old}"') :]
    assert entry.index('value="/notifications/?page=2"') < entry.index("</form>")
