"""Reviews read only the decisions they can show (each reviewer's latest on the current
version and latest on an earlier one) and judge exactly as from every decision."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planhub.reviews.models import SectionDecision
from planhub.reviews.rules import ReviewRules, judge_section
from planhub.reviews.status import review_plan, review_section, shown_decisions
from tests.factories import add_member, make_plan, make_user

FILLED = "# T\n\nintro\n\n## Overview\n\nWe ship it.\n\n## Risks\n\nNone known.\n"


@pytest.fixture
def plan(project, owner):
    return make_plan(project, owner, text=FILLED)


@pytest.fixture
def reviewers(project):
    return [add_member(project, make_user(f"rev{n}"), "reviewer").user for n in range(3)]


def section_of(plan, heading="Overview"):
    section = plan.sections.get(heading=heading)
    section.plan = plan
    return section


def decide(section, reviewer, decision="approved"):
    SectionDecision.record(
        section=section, reviewer=reviewer, decision=decision, version=section.version
    )


def edit(section, author, body):
    section.save_edit(author=author, heading=section.heading, body=body, base_version=1)


def from_every_decision(section):
    decisions = list(section.decisions.select_related("reviewer"))
    return judge_section(section, decisions, ReviewRules.of(section.plan.project))


def summary(review):
    return (
        review.status,
        sorted((a.reviewer_id, a.version, a.decision) for a in review.current),
        sorted((a.reviewer_id, a.version, a.decision) for a in review.stale),
    )


def test_the_same_review_as_from_every_decision_at_each_step(plan, reviewers, editor):
    section = section_of(plan)
    first, second, third = reviewers
    steps = [
        lambda: decide(section, first),
        lambda: decide(section, second, "changes_requested"),
        lambda: decide(section, second),
        lambda: decide(section, first, "changes_requested"),
        lambda: edit(section, editor, "Second text."),  # everything before is stale now
        lambda: decide(section, third),
        lambda: decide(section, first),
        lambda: decide(section, first, "changes_requested"),
        lambda: decide(section, first),
        lambda: decide(section, second, "changes_requested"),
    ]
    for step in steps:
        step()
        section.refresh_from_db()
        assert summary(review_section(section)) == summary(from_every_decision(section))
        plan_review = review_plan(plan)
        shown = next(r for r in plan_review.sections if r.section.pk == section.pk)
        assert summary(shown) == summary(from_every_decision(section))


def test_a_reviewer_s_many_decisions_are_read_as_two_rows(plan, reviewers, editor):
    section = section_of(plan)
    for _ in range(5):
        decide(section, reviewers[0], "changes_requested")
        decide(section, reviewers[0])
    edit(section, editor, "Second text.")
    section.refresh_from_db()
    for _ in range(5):
        decide(section, reviewers[0])
    rows = list(shown_decisions(section.decisions.all(), section.version))
    assert [(row.version, row.decision) for row in rows] == [(1, "approved"), (2, "approved")]
    with CaptureQueriesContext(connection) as queries:
        review = review_section(section)
    assert review.status == "approved" and len(review.current) == 1 and review.stale == []
    assert len(queries) == 2  # decisions, open threads (the approval just read the writers)
