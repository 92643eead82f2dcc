"""The dashboard served from the cache keyed by a stamp of the reader's projects: each input it
shows changes the page served next (each test reads it twice first, the second from the cache),
two readers never see each other's dashboard, the reader's "today" is in the key, and a cached
dashboard reads the same few rows whatever the data."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from planhub.exports.plan_stamp import CACHE_ALIAS
from planhub.pages.dashboard_cache import dashboard_stamp
from planhub.plans import restructuring
from planhub.reviews.models import Comment, ReviewRequest, SectionDecision, SignOff
from planhub.reviews.status import review_plan
from tests.factories import make_plan, make_project, make_user

TEXT = "# Moon plan\n## A\na\n## B\nb\n"


def dashboard(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def warm(client) -> str:
    """The dashboard twice: the second from the cache (no section or plan read, asserted)."""
    first = dashboard(client)
    with CaptureQueriesContext(connection) as queries:
        second = dashboard(client)
    assert not any('"plans_section"' in q["sql"] for q in queries.captured_queries)
    assert len(queries) <= 5
    assert _same(first, second)
    return second


def _same(a: str, b: str) -> bool:
    token = re.compile(r'(csrfmiddlewaretoken" value="|"x-csrftoken": ")[^"]+"')
    return token.sub(r"\1", a) == token.sub(r"\1", b)


def waiting(html: str) -> str:
    return html[html.index("Waiting for my review") : html.index("My plans with changes")]


def recent(html: str) -> str:
    return html[html.index("Recently changed plans") :]


@pytest.fixture
def moon(project, owner, editor):
    plan = make_plan(project, owner, text=TEXT)
    for section in plan.sections.all():
        section.plan = plan
        edit(section, editor, section.body + " more")
    return plan


def section_of(plan, heading):
    section = plan.sections.get(heading=heading)
    section.plan = plan
    return section


def edit(section, author, body):
    section.refresh_from_db()
    section.save_edit(
        author=author, heading=section.heading, body=body, base_version=section.version
    )


def decide(section, user, decision="approved"):
    section.refresh_from_db()
    SectionDecision.record(
        section=section, reviewer=user, decision=decision, version=section.version
    )


def test_a_decision_and_an_edit_show(client, reviewer, editor, moon):
    client.force_login(reviewer)
    assert ">A</a>" in waiting(warm(client))
    decide(section_of(moon, "A"), reviewer)
    assert ">A</a>" not in waiting(warm(client))
    edit(section_of(moon, "A"), editor, "a changed")  # the approval goes stale
    assert ">A</a>" in waiting(dashboard(client))


def test_the_plan_status_follows_approvals(client, owner, reviewer, moon):
    client.force_login(owner)
    assert "plan-status-draft" in recent(warm(client))
    for section in moon.sections.all():
        section.plan = moon
        decide(section, reviewer)
    assert "plan-status-draft" not in recent(dashboard(client))  # all sections approved


def test_a_change_request_shows_to_the_plans_author(client, owner, reviewer, moon):
    client.force_login(owner)
    assert "No changes requested on your plans." in warm(client)
    decide(section_of(moon, "A"), reviewer, "changes_requested")
    assert f'{moon.get_absolute_url()}">Moon plan</a>' in dashboard(client)


def test_a_comment_shows_nowhere_on_the_dashboard_and_keeps_it(client, owner, reviewer, moon):
    """No status depends on comments (rules.py), so they are not in the stamp."""
    client.force_login(reviewer)
    before = warm(client)
    comment = Comment.objects.create(section=section_of(moon, "A"), author=owner, body="Why?")
    comment.resolve(owner)
    assert _same(warm(client), before)


def test_a_sign_off_assigned_and_signed_shows(client, owner, reviewer, moon):
    slot = moon.signoff_slots.get()
    client.force_login(reviewer)
    assert "#signoffs" not in waiting(warm(client))
    slot.assign(reviewer, by=owner)
    assert "#signoffs" in waiting(warm(client))
    content_hash = review_plan(moon).content_hash
    SignOff.record(slot, user=reviewer, decision="signed", reason="", seen_hash=content_hash)
    assert "#signoffs" not in waiting(dashboard(client))


def test_a_review_request_and_its_cancellation_show(client, owner, reviewer, moon):
    client.force_login(reviewer)
    assert "Nobody has asked you for a review." in warm(client)
    (request,) = ReviewRequest.create(moon, by=owner, reviewers=[reviewer])
    assert f'id="requested-plan-{moon.pk}"' in warm(client)
    request.cancel(owner, is_owner=True)
    assert "Nobody has asked you for a review." in dashboard(client)


def test_overdue_comes_with_the_readers_day(client, owner, reviewer, moon, monkeypatch):
    now = datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("UTC"))
    monkeypatch.setattr(timezone, "now", lambda: now)
    ReviewRequest.create(moon, by=owner, reviewers=[reviewer], due=date(2026, 12, 2))
    client.force_login(reviewer)
    assert "Overdue" not in warm(client)
    now += timedelta(days=1)
    assert "Overdue" in dashboard(client)


def test_sections_added_deleted_and_plans_archived_show(client, owner, reviewer, editor, moon):
    client.force_login(reviewer)
    assert ">B</a>" in waiting(warm(client))
    restructuring.delete_section(section_of(moon, "B"), editor)
    assert ">B</a>" not in waiting(warm(client))
    restructuring.restore_section(moon.sections.model.all_objects.get(heading="B"), editor)
    assert ">B</a>" in waiting(warm(client))
    moon.set_archived(True, owner)
    assert "Moon plan" not in warm(client)
    moon.set_archived(False, owner)
    assert "Moon plan" in dashboard(client)


def test_a_plan_saved_around_the_ledger_shows(client, reviewer, moon):
    """A plan row saved in the Django admin appends nothing to the ledger; its `updated_at`
    (in the stamp, probed per project) still moves."""
    client.force_login(reviewer)
    assert "Moon plan" in warm(client)
    moon.refresh_from_db()
    moon.archived_at = timezone.now()
    moon.save()
    assert "Moon plan" not in dashboard(client)


def test_a_new_plan_and_a_renamed_title_show(client, owner, editor, reviewer, moon):
    client.force_login(reviewer)
    warm(client)
    make_plan(moon.project, owner, text="# Sun plan\n")
    assert "Sun plan" in warm(client)
    title = section_of(moon, "Moon plan")
    title.refresh_from_db()
    title.save_edit(author=editor, heading="Mars plan", body=title.body, base_version=title.version)
    assert "Mars plan" in dashboard(client)


def test_role_and_project_changes_show(client, owner, viewer, moon):
    client.force_login(viewer)
    assert ">A</a>" not in waiting(warm(client))
    membership = moon.project.memberships.get(user=viewer)
    membership.change_role("reviewer", by=owner)
    assert ">A</a>" in waiting(warm(client))
    project = moon.project
    project.name, project.description = "Renamed project", "Now described"
    project.save()
    html = dashboard(client)
    assert "Renamed project" in html and "Now described" in html


def test_two_readers_never_see_each_others_dashboard(client, owner, reviewer, moon):
    decide(section_of(moon, "A"), reviewer, "changes_requested")
    for _ in range(2):
        client.force_login(reviewer)
        assert "No changes requested on your plans." in dashboard(client)
        client.force_login(owner)
        assert "No changes requested on your plans." not in dashboard(client)


def test_no_relative_time_in_the_dashboard(client, reviewer, moon):
    client.force_login(reviewer)
    html = warm(client)
    assert " ago<" not in html and "data-ago" in html


def test_every_write_the_dashboard_shows_moves_the_ledger_in_the_stamp(
    owner, editor, reviewer, viewer, moon
):
    """Each write appends to its project's ledger in its own transaction: the ledger part of
    the stamp moves by itself, whatever the other parts do."""
    stamps = [dashboard_stamp(reviewer)]

    def moved():
        stamps.append(dashboard_stamp(reviewer))
        return stamps[-1].ledger > stamps[-2].ledger

    edit(section_of(moon, "A"), editor, "a again")
    assert moved()
    restructuring.move(section_of(moon, "B"), editor, up=True)
    assert moved()
    restructuring.delete_section(section_of(moon, "B"), editor)
    assert moved()
    restructuring.restore_section(moon.sections.model.all_objects.get(heading="B"), editor)
    assert moved()
    decide(section_of(moon, "A"), reviewer)
    assert moved()
    slot = moon.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    assert moved()
    content_hash = review_plan(moon).content_hash
    SignOff.record(slot, user=reviewer, decision="declined", reason="No", seen_hash=content_hash)
    assert moved()
    (request,) = ReviewRequest.create(moon, by=owner, reviewers=[reviewer])
    assert moved()
    request.cancel(owner, is_owner=True)
    assert moved()
    moon.set_archived(True, owner)
    assert moved()
    make_plan(moon.project, owner, text="# Sun plan\n")
    assert moved()
    membership = moon.project.memberships.get(user=viewer)
    membership.change_role("reviewer", by=owner)  # whose approvals count
    assert moved()


def test_the_queries_stay_the_same_with_ten_times_the_data(client, owner, editor, reviewer, moon):
    """Miss and hit, for a reviewer and for an author with a change request: the same queries
    after ten times more plans, edits and decisions in their project and in another one (the
    stamp no longer walks or sums anyone's history; each queue reads a round of its own)."""
    decide(section_of(moon, "A"), reviewer, "changes_requested")

    def counts() -> dict:
        found = {}
        for user in (reviewer, editor):
            client.force_login(user)
            caches[CACHE_ALIAS].clear()
            for state in ("miss", "hit"):
                with CaptureQueriesContext(connection) as queries:
                    dashboard(client)
                found[user.username, state] = len(queries)
        return found

    counts()  # a first request of a process differs (ContentType cache, template loading)
    small = counts()
    elsewhere = make_project(owner=owner, slug="elsewhere", name="Elsewhere")
    stranger = make_user("stranger")
    for n in range(10):
        plan = make_plan(elsewhere if n % 2 else moon.project, owner, text=TEXT)
        for section in plan.sections.all():
            section.plan = plan
            edit(section, owner, section.body + " again")
            decide(section, stranger if n % 2 else reviewer, "changes_requested")
    assert counts() == small
