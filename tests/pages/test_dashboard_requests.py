"""The dashboard's "Reviews asked of me": grouped by plan, counts, due wording in the reviewer's
zone, overdue in words, sorted by due date then age, done and cancelled ones gone."""

import html as html_module
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planhub.accounts.models import Profile
from planhub.reviews.models import ReviewRequest, SectionDecision
from tests.factories import add_member, make_plan, make_user

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("UTC"))  # a Wednesday


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def queue_items(html: str) -> list[str]:
    section = html.split('id="requested-heading"', 1)[1].split("</section>", 1)[0]
    return [
        " ".join(html_module.unescape(re.sub(r"<[^>]+>", "", item)).split())
        for item in re.split(r"<li[^>]*>", section)[1:]
    ]


def plan_with(project, owner, title, sections=3):
    text = f"# {title}\n\n" + "".join(f"## S{n}\n\ntext {n}\n\n" for n in range(sections))
    return make_plan(project, owner, text=text)


def test_grouped_by_plan_with_counts_and_due_words(client, project, owner, editor, reviewer):
    friday = plan_with(project, owner, "Friday plan", 4)  # 5 sections with the title's
    none = plan_with(project, owner, "Whenever plan", 2)
    late = plan_with(project, owner, "Late plan", 1)
    ReviewRequest.create(friday, by=editor, reviewers=[reviewer], due=date(2026, 12, 4))
    ReviewRequest.create(none, by=owner, reviewers=[reviewer])
    ReviewRequest.create(late, by=owner, reviewers=[reviewer], due=date(2026, 12, 1))
    SectionDecision.objects.create(
        section=friday.sections.first(), reviewer=reviewer, decision="approved", version=1
    )
    client.force_login(reviewer)
    items = queue_items(client.get("/").content.decode())
    total = friday.sections.count()
    assert items[0].startswith("⚠ Overdue Late plan:") and "was due yesterday" in items[0]
    assert items[1].startswith("Requested Friday plan:")
    assert f"{total - 1} sections wait for you, due Friday" in items[1]
    assert "asked by eddie" in items[1]
    assert items[2].startswith("Requested Whenever plan:") and "due" not in items[2].split("·")[0]
    assert len(items) == 3


def test_the_due_date_is_read_in_the_reviewers_zone(client, project, owner, reviewer):
    plan = plan_with(project, owner, "Zoned plan")
    ReviewRequest.create(plan, by=owner, reviewers=[reviewer], due=date(2026, 12, 3))
    client.force_login(reviewer)
    assert "due tomorrow" in queue_items(client.get("/").content.decode())[0]
    # 12:00 UTC is 01:00 on 3 December in Auckland: due today there.
    Profile.objects.update_or_create(user=reviewer, defaults={"time_zone": "Pacific/Auckland"})
    assert "due today" in queue_items(client.get("/").content.decode())[0]


def test_done_cancelled_archived_and_other_peoples_requests_drop_off(
    client, project, owner, editor, reviewer
):
    done = plan_with(project, owner, "Done plan", 1)
    cancelled = plan_with(project, owner, "Cancelled plan")
    archived = plan_with(project, owner, "Archived plan")
    ReviewRequest.create(done, by=owner, reviewers=[reviewer])
    ReviewRequest.create(cancelled, by=owner, reviewers=[reviewer])[0].cancel(owner, is_owner=True)
    ReviewRequest.create(archived, by=owner, reviewers=[reviewer])
    archived.set_archived(True, owner)
    other = plan_with(project, owner, "Owner's own queue")
    ReviewRequest.create(other, by=editor, reviewers=[owner])
    for section in done.sections.all():
        SectionDecision.objects.create(
            section=section, reviewer=reviewer, decision="changes_requested", version=1
        )
    client.force_login(reviewer)
    html = client.get("/").content.decode()
    assert queue_items(html) == [] and "Nobody has asked you for a review." in html
    client.force_login(owner)
    assert [i.split(":")[0] for i in queue_items(client.get("/").content.decode())] == [
        "Requested Owner's own queue"
    ]
    # A reviewer made viewer has nothing left to decide: off their queue.
    ReviewRequest.create(plan_with(project, owner, "Demoted plan"), by=owner, reviewers=[reviewer])
    client.force_login(reviewer)
    assert len(queue_items(client.get("/").content.decode())) == 1
    reviewer.memberships.update(role="viewer")
    assert queue_items(client.get("/").content.decode()) == []


def test_same_due_date_sorts_oldest_first(client, project, owner, reviewer):
    first = plan_with(project, owner, "First asked")
    second = plan_with(project, owner, "Second asked")
    due = date(2026, 12, 10)
    ReviewRequest.create(second, by=owner, reviewers=[reviewer], due=due)
    ReviewRequest.objects.update(created_at=NOW - timedelta(days=1))
    ReviewRequest.create(first, by=owner, reviewers=[reviewer], due=due)
    ReviewRequest.objects.filter(plan=first).update(created_at=NOW - timedelta(days=3))
    client.force_login(reviewer)
    items = queue_items(client.get("/").content.decode())
    assert [i.split(":")[0] for i in items] == ["Requested First asked", "Requested Second asked"]
    assert "due 10 Dec" in items[0]


def test_the_queue_costs_the_same_for_many_requests(client, project, owner, reviewer):
    def dashboard_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    def ask(n):
        plan = plan_with(project, owner, f"Plan {n}", 2)
        asker = make_user(f"asker{n}")
        add_member(project, asker, "editor")
        ReviewRequest.create(plan, by=asker, reviewers=[reviewer], due=date(2026, 12, 1 + n))
        SectionDecision.objects.create(
            section=plan.sections.first(), reviewer=reviewer, decision="approved", version=1
        )

    ask(1)
    client.force_login(reviewer)
    few = dashboard_queries()
    for n in range(2, 14):
        ask(n)
    assert dashboard_queries() == few > 5  # both rendered afresh (the data changed)
    html = client.get("/").content.decode()
    assert len(queue_items(html)) == 13
    # From the cache: session, user, memberships, the stamp, the top bar's unread count.
    assert dashboard_queries() == 5
