"""The review request's rules: done (every asked section still there decided on the asked
version or later), overdue (not done, due date over in the reviewer's zone), and who may ask."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planhub.accounts.models import Profile
from planhub.plans import restructuring
from planhub.plans.models import Plan
from planhub.reviews.models import RequestRefused, ReviewRequest, SectionDecision
from planhub.reviews.request_rules import due_wording, judge_request
from tests.factories import add_member, make_plan, make_project, make_user
from tests.reviews.test_concurrency import run_together

TODAY = date(2026, 12, 2)  # a Wednesday

sections = st.dictionaries(st.integers(1, 8), st.integers(1, 4), max_size=8)


@given(
    asked=sections,
    live=st.sets(st.integers(1, 8)),
    decided=sections,
    due=st.none() | st.dates(date(2026, 11, 25), date(2026, 12, 9)),
    cancelled=st.booleans(),
)
def test_done_and_overdue_match_their_definition(asked, live, decided, due, cancelled):
    progress = judge_request(asked, live, decided, due=due, today=TODAY, cancelled=cancelled)
    # Brute force, straight from the words: every asked section that still exists has a
    # decision of the reviewer on the asked version or a later one.
    still_there = [pk for pk in asked if pk in live]
    done = all(any(v >= asked[pk] for v in range(1, decided.get(pk, 0) + 1)) for pk in still_there)
    assert progress.done == done
    assert progress.asked == len(still_there)
    assert progress.decided + len(progress.waiting_ids) == progress.asked
    assert set(progress.waiting_ids) == {pk for pk in still_there if decided.get(pk, 0) < asked[pk]}
    assert progress.overdue == (not cancelled and not done and due is not None and due < TODAY)
    assert progress.open == (not cancelled and not done)


@pytest.mark.parametrize(
    "due, words",
    [
        (TODAY, "due today"),
        (TODAY + timedelta(days=1), "due tomorrow"),
        (TODAY + timedelta(days=2), "due Friday"),
        (TODAY + timedelta(days=6), "due Tuesday"),
        (TODAY + timedelta(days=12), "due 14 Dec"),
        (date(2027, 1, 3), "due 3 Jan 2027"),
        (TODAY - timedelta(days=1), "was due yesterday"),
        (TODAY - timedelta(days=5), "was due Friday"),
        (date(2026, 11, 1), "was due 1 Nov"),
        (None, "no due date"),
    ],
)
def test_due_wording(due, words):
    assert due_wording(due, TODAY) == words


@pytest.fixture
def asked(plan, owner, reviewer):
    return ReviewRequest.create(plan, by=owner, reviewers=[reviewer], message="Please")[0]


def progress(request):
    return ReviewRequest.objects.filter(pk=request.pk).progress()[request.pk]


def decide(section, reviewer, decision="approved"):
    section.refresh_from_db()
    return SectionDecision.objects.create(
        section=section, reviewer=reviewer, decision=decision, version=section.version
    )


def test_a_request_asks_for_every_live_section_at_its_version(plan, asked):
    live = dict(plan.sections.values_list("pk", "version"))
    assert asked.asked_versions == live and len(live) > 3
    assert progress(asked).asked == len(live) and progress(asked).decided == 0


def test_done_when_every_section_is_decided_either_way(plan, asked, reviewer, owner):
    sections = list(plan.sections.all())
    for section in sections[:-1]:
        decide(section, reviewer)
    assert progress(asked).decided == len(sections) - 1 and not progress(asked).done
    decide(sections[-1], reviewer, "changes_requested")
    assert progress(asked).done


def test_other_reviewers_and_older_versions_do_not_count(plan, owner, reviewer, editor):
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    decide(section, reviewer)  # version 1, before the edit
    section.save_edit(author=editor, heading="Overview", body="New text", base_version=1)
    request = ReviewRequest.create(plan, by=owner, reviewers=[reviewer])[0]
    assert request.asked[str(section.pk)] == 2
    assert section.pk in progress(request).waiting_ids  # decided on v1, asked for v2
    other = make_user("otto")
    add_member(plan.project, other, "reviewer")
    decide(section, other)
    assert section.pk in progress(request).waiting_ids
    decide(section, reviewer)
    assert section.pk not in progress(request).waiting_ids


def test_deleted_sections_drop_out_and_added_ones_were_not_asked(plan, asked, reviewer, owner):
    before = progress(asked).asked
    gone = plan.sections.get(heading="Overview")
    restructuring.delete_section(gone, owner)
    restructuring.add_section_after(plan.sections.first(), owner)
    assert progress(asked).asked == before - 1


def test_overdue_in_the_reviewers_time_zone(plan, owner, reviewer, monkeypatch):
    # 23:30 UTC on 2 Dec is already 3 Dec in Tokyo, still 2 Dec in UTC.
    now = datetime(2026, 12, 2, 23, 30, tzinfo=ZoneInfo("UTC"))
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    request = ReviewRequest.create(plan, by=owner, reviewers=[reviewer], due=date(2026, 12, 2))[0]
    assert not progress(request).overdue
    Profile.objects.update_or_create(user=reviewer, defaults={"time_zone": "Asia/Tokyo"})
    assert progress(request).overdue and progress(request).state == "overdue"


def test_the_progress_of_many_requests_costs_three_queries(
    plan, owner, reviewer, django_assert_num_queries
):
    others = [make_user(f"r{n}") for n in range(6)]
    for user in others:
        add_member(plan.project, user, "reviewer")
    ReviewRequest.create(plan, by=owner, reviewers=[reviewer, *others])
    with django_assert_num_queries(3):
        assert len(ReviewRequest.objects.all().progress()) == 7


def test_who_may_be_asked(plan, owner, editor, reviewer, viewer, outsider):
    with pytest.raises(RequestRefused, match="yourself"):
        ReviewRequest.create(plan, by=owner, reviewers=[owner])
    for nobody in (editor, viewer, outsider):
        with pytest.raises(RequestRefused, match="Only reviewers and owners"):
            ReviewRequest.create(plan, by=owner, reviewers=[reviewer, nobody])
    with pytest.raises(RequestRefused, match="at least one"):
        ReviewRequest.create(plan, by=owner, reviewers=[])
    assert not ReviewRequest.objects.exists()
    assert ReviewRequest.create(plan, by=editor, reviewers=[reviewer, owner])


def test_an_open_request_is_refused_again_until_done_or_cancelled(plan, asked, owner, reviewer):
    with pytest.raises(RequestRefused, match="Already asked and not done yet: rita"):
        ReviewRequest.create(plan, by=owner, reviewers=[reviewer], message="again")
    for section in plan.sections.all():
        decide(section, reviewer)
    again = ReviewRequest.create(plan, by=owner, reviewers=[reviewer])[0]  # the first is done
    again.cancel(owner, is_owner=True)
    assert ReviewRequest.create(plan, by=owner, reviewers=[reviewer])


def test_cancel_by_the_requester_or_an_owner(plan, editor, reviewer, owner):
    request = ReviewRequest.create(plan, by=editor, reviewers=[reviewer])[0]
    with pytest.raises(RequestRefused, match="Only whoever asked"):
        request.cancel(reviewer, is_owner=False)
    request.cancel(owner, is_owner=True)
    assert progress(request).state == "cancelled" and not progress(request).overdue
    with pytest.raises(RequestRefused, match="already cancelled"):
        request.cancel(editor, is_owner=False)


def test_archived_plans_and_empty_plans_are_refused(project, plan, owner, reviewer):
    plan.set_archived(True, owner)
    with pytest.raises(RequestRefused, match="archived"):
        ReviewRequest.create(plan, by=owner, reviewers=[reviewer])
    empty = make_plan(project, owner, text="# Empty\n")
    for section in list(empty.sections.all()):
        restructuring.delete_section(section, owner)
    with pytest.raises(RequestRefused, match="no sections"):
        ReviewRequest.create(empty, by=owner, reviewers=[reviewer])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_people_asking_the_same_reviewer_at_once_make_one_request(round_):
    owner, editor, reviewer = make_user(), make_user(), make_user()
    project = make_project(owner=owner)
    add_member(project, editor, "editor")
    add_member(project, reviewer, "reviewer")
    plan = make_plan(project, author=owner, text="# Race\n\n## A\n\ntext\n")

    def ask(by):
        return lambda: ReviewRequest.create(
            Plan.objects.get(pk=plan.pk), by=by, reviewers=[reviewer]
        )

    errors = run_together(ask(owner), ask(editor))
    assert [type(e) for e in errors] == [RequestRefused]
    assert ReviewRequest.objects.filter(reviewer=reviewer).count() == 1
