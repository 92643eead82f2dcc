"""SectionDecision.record_many: one decision per section, each tied to the version shown; a
section changed since it was shown, or refused, is listed with the reason and the others still
count; the same signal per decision as `record`."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planhub.projects.models import Role
from planhub.reviews import signals
from planhub.reviews.models import SectionDecision
from tests.factories import add_member, make_plan, make_project, make_user

TEXT = "# Plan\n\n## A\n\na\n\n## B\n\nb\n\n## C\n\nc\n\n## D\n\nd\n"


def written(plan, editor):
    """Every section of `plan` rewritten by `editor` (version 2), in order."""
    sections = list(plan.sections.all())
    for s in sections:
        s.plan = plan
        s.save_edit(author=editor, heading=s.heading, body=f"{s.body}x\n", base_version=1)
    return sections


@pytest.fixture
def heard():
    got = []

    def receiver(sender, decision, **kwargs):
        got.append(decision.pk)

    signals.decision_recorded.connect(receiver)
    yield got
    signals.decision_recorded.disconnect(receiver)


def test_each_section_gets_one_decision_on_the_version_shown(
    project, owner, editor, reviewer, heard
):
    plan = make_plan(project, owner, text=TEXT)
    sections = written(plan, editor)
    shown = [(s.pk, 2) for s in sections]
    result = SectionDecision.record_many(plan=plan, reviewer=reviewer, shown=shown + shown[:1])
    assert not result.refused
    assert sorted(d.section_id for d in result.recorded) == sorted(s.pk for s in sections)
    assert set(SectionDecision.objects.values_list("version", "decision", "reviewer")) == {
        (2, "approved", reviewer.pk)
    }
    assert sorted(heard) == sorted(d.pk for d in result.recorded)  # notifications, webhooks


def test_a_section_changed_since_it_was_shown_is_listed_and_the_rest_count(
    project, owner, editor, reviewer
):
    plan = make_plan(project, owner, text=TEXT)
    a, b, *_ = written(plan, editor)
    b.save_edit(author=editor, heading="B", body="b changed\n", base_version=2)
    result = SectionDecision.record_many(plan=plan, reviewer=reviewer, shown=[(a.pk, 2), (b.pk, 2)])
    assert [d.section_id for d in result.recorded] == [a.pk]
    [refused] = result.refused
    assert refused.section.pk == b.pk and refused.version == 2
    assert "changed while you were reading it (now version 3)" in refused.reason
    assert not SectionDecision.objects.filter(section=b).exists()


def test_own_text_and_placeholders_are_refused_with_reasons(project, owner, editor):
    plan = make_plan(project, owner, text="# P\n\n## Mine\n\nm\n\n## Open\n\n[Fill me]\n")
    mine = plan.sections.get(heading="Mine")
    mine.plan = plan
    mine.save_edit(author=owner, heading="Mine", body="mine\n", base_version=1)
    opened = plan.sections.get(heading="Open")
    result = SectionDecision.record_many(
        plan=plan, reviewer=owner, shown=[(mine.pk, 2), (opened.pk, 1)]
    )
    assert not result.recorded
    reasons = {r.section.heading: r.reason for r in result.refused}
    assert "You wrote this version" in reasons["Mine"]
    assert "1 unfilled placeholder" in reasons["Open"]
    assert not SectionDecision.objects.exists()


def test_already_decided_and_foreign_sections_are_listed(project, owner, editor, reviewer):
    plan = make_plan(project, owner, text=TEXT)
    a, *_ = written(plan, editor)
    SectionDecision.record(section=a, reviewer=reviewer, decision="approved", version=2)
    other = make_plan(project, owner, text="# O\n\n## X\n\nx\n").sections.get(heading="X")
    result = SectionDecision.record_many(
        plan=plan, reviewer=reviewer, shown=[(a.pk, 2), (other.pk, 1), (999_999, 1)]
    )
    assert not result.recorded
    assert [r.reason for r in result.refused] == [
        "You had already decided on this version.",
        "It is no longer in this plan.",
        "It is no longer in this plan.",
    ]
    assert SectionDecision.objects.count() == 1


_projects = itertools.count()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    shown=st.lists(st.tuples(st.integers(0, 4), st.integers(1, 3)), max_size=8),
    edited=st.sets(st.integers(0, 4)),
)
@pytest.mark.django_db
def test_an_approval_only_ever_counts_for_the_version_shown(shown, edited):
    """Whatever was shown and edited meanwhile: every decision recorded is on the version
    shown, which is the section's version when recorded; every other pair is listed."""
    owner, editor, reviewer = (make_user() for _ in range(3))
    project = make_project(owner=owner, slug=f"many-{next(_projects)}")
    add_member(project, editor, Role.EDITOR)
    add_member(project, reviewer, Role.REVIEWER)
    plan = make_plan(project, owner, text=TEXT)
    sections = written(plan, editor)
    for index in edited:
        s = sections[index]
        s.save_edit(author=editor, heading=s.heading, body="edited\n", base_version=2)
    pairs = [(sections[i].pk, v) for i, v in shown]
    result = SectionDecision.record_many(plan=plan, reviewer=reviewer, shown=pairs)
    versions = {s.pk: s.version for s in plan.sections.all()}
    first = dict(reversed(pairs))  # the first version given for a section is the one used
    assert len(result.recorded) + len(result.refused) == len(first)
    for decision in result.recorded:
        assert decision.version == first[decision.section_id] == versions[decision.section_id]
    for refused in result.refused:
        assert versions[refused.section_id] != refused.version
    assert SectionDecision.objects.filter(section__plan=plan).count() == len(result.recorded)
