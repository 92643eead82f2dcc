"""Status computed from the records: sections, sign-off slots, plans."""

import pytest

from planhub.document.signoff_list import DEFAULT_SLOT
from planhub.plans.models import Plan, SignOffSlot
from planhub.reviews.models import ContentChanged, ReviewRefused, SectionDecision, SignOff
from planhub.reviews.rules import content_hash
from planhub.reviews.status import plan_statuses, review_plan, review_section
from tests.factories import make_plan

# A plan whose sections are filled in (no placeholders), typed by its creator.
FILLED = "# T\n\nintro\n\n## Overview\n\nWe ship it.\n\n## Risks\n\nNone known.\n"


@pytest.fixture
def plan(project, owner):
    return make_plan(project, owner, text=FILLED)


def section_of(plan, heading="Overview"):
    section = plan.sections.get(heading=heading)
    section.plan = plan
    return section


def approve(section, reviewer, decision="approved", version=None):
    return SectionDecision.record(
        section=section, reviewer=reviewer, decision=decision, version=version or section.version
    )


def edit(section, author, body="edited"):
    section.save_edit(
        author=author, heading=section.heading, body=body, base_version=section.version
    )


def test_pending_then_approved(plan, reviewer):
    section = section_of(plan)
    assert review_section(section).status == "pending"
    approve(section, reviewer)
    assert review_section(section).status == "approved"


def test_edit_makes_approval_stale_but_visible(plan, reviewer, editor):
    section = section_of(plan)
    approve(section, reviewer)
    edit(section, editor)
    review = review_section(section)
    assert review.status == "stale" and review.current == []
    assert [(a.reviewer, a.version) for a in review.stale] == [(reviewer, 1)]
    approve(section, reviewer)
    assert review_section(section).status == "approved"


def test_changes_requested_wins_until_the_same_reviewer_approves(plan, reviewer, owner, editor):
    section = section_of(plan)
    edit(section, editor)  # the owner did not write version 2, so may approve it
    approve(section, owner)
    approve(section, reviewer, "changes_requested")
    assert review_section(section).status == "changes_requested"
    approve(section, reviewer)
    assert review_section(section).status == "approved"


def test_required_approvals(plan, reviewer, owner, editor, project):
    project.required_approvals = 2
    project.save()
    section = section_of(plan)
    edit(section, editor)
    approve(section, reviewer)
    review = review_section(section)
    assert (review.status, review.approved_count) == ("pending", 1)
    approve(section, owner)
    assert review_section(section).status == "approved"


def test_author_cannot_approve_own_version_unless_allowed(plan, project, owner):
    section = section_of(plan)  # this plan's version 1 was typed by the owner
    with pytest.raises(ReviewRefused, match="You wrote this version"):
        approve(section, owner)
    approve(section, owner, "changes_requested")  # asking for changes is always fine
    project.allow_self_approval = True
    project.save()
    section.plan.project = project
    approve(section, owner)
    assert review_section(section).status == "approved"


def test_approval_on_an_old_version_is_refused(plan, reviewer, editor):
    section = section_of(plan)
    edit(section, editor)
    with pytest.raises(ContentChanged):
        approve(section, reviewer, version=1)
    assert not SectionDecision.objects.exists()


@pytest.mark.parametrize(
    ("slug", "slots"),
    [
        (
            "technical-approach-plan",
            ["Technical Design", "Security Review", "Product Sign-off", "Launch Approval"],
        ),
        ("phase-plan", ["Reviewed By", "Approved"]),
        ("feature-plan", [DEFAULT_SLOT]),
        ("implementation-plan", [DEFAULT_SLOT]),
    ],
)
def test_signoff_slots_come_from_the_template(project, owner, slug, slots):
    plan = make_plan(project, owner, slug=slug)
    assert list(plan.signoff_slots.values_list("name", flat=True)) == slots


def test_plan_goes_draft_in_review_approved(project, owner, reviewer, editor):
    plan = make_plan(project, owner, text="# T\n\nintro\n\n## A\n\ntext\n")
    assert review_plan(plan).status == "draft"
    sections = [section_of(plan, h) for h in ("T", "A")]
    approve(sections[0], reviewer)
    assert review_plan(plan).status == "in_review"
    approve(sections[1], reviewer)
    review = review_plan(plan)
    assert review.status == "in_review"  # the sign-off is still missing
    slot = SignOffSlot.objects.get(plan=plan)
    slot.assign(reviewer, by=owner)
    SignOff.record(slot, user=reviewer, decision="signed", reason="", seen_hash=review.content_hash)
    assert review_plan(plan).status == "approved"
    assert plan_statuses([plan]) == {plan.pk: "approved"}
    # Any edit makes the sign-off (and the edited section's approval) stale.
    edit(section_of(plan, "A"), editor)
    review = review_plan(plan)
    assert review.status == "in_review"
    assert [r.status for r in review.slots] == ["stale"]
    assert plan_statuses([plan]) == {plan.pk: "in_review"}


def test_signoff_on_changed_content_is_refused(project, owner, reviewer, editor):
    plan = make_plan(project, owner, text="# T\n## A\ntext\n")
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    seen = review_plan(plan).content_hash
    edit(section_of(plan, "A"), editor)
    with pytest.raises(ContentChanged):
        SignOff.record(slot, user=reviewer, decision="signed", reason="", seen_hash=seen)
    with pytest.raises(ReviewRefused, match="Only the member assigned"):
        SignOff.record(
            slot, user=owner, decision="signed", reason="", seen_hash=review_plan(plan).content_hash
        )


def test_declined_slot(project, owner, reviewer):
    plan = make_plan(project, owner, text="# T\n")
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    SignOff.record(
        slot,
        user=reviewer,
        decision="declined",
        reason="No rollback plan",
        seen_hash=review_plan(plan).content_hash,
    )
    [slot_review] = review_plan(plan).slots
    assert slot_review.status == "declined" and slot_review.latest.reason == "No rollback plan"


def test_content_hash_follows_versions(plan, editor):
    before = content_hash(plan.sections.all())
    edit(section_of(plan), editor)
    assert content_hash(plan.sections.all()) != before


def test_placeholders_counted_per_section_and_plan(project, owner):
    text = (
        "# Plan [X]\n\n## A\n- [ ] task\n[link](http://x) [Fill me]\n\n"
        "## B\nNEEDS CLARIFICATION here\n"
    )
    plan = make_plan(project, owner, text=text)
    review = review_plan(plan)
    assert [r.placeholders for r in review.sections] == [1, 1, 1]
    assert (review.placeholders, review.sections_to_fill) == (3, 3)


def test_review_plan_queries_do_not_grow_with_sections(
    project, owner, reviewer, django_assert_max_num_queries
):
    def big_plan(n):
        text = "# T\n" + "".join(f"## S{i}\ntext [x{i}]\n" for i in range(n - 1))
        plan = Plan.create_from_markdown(project=project, text=text, author=owner)
        for section in plan.sections.all()[:5]:
            SectionDecision.objects.create(
                section=section, reviewer=reviewer, decision="approved", version=1
            )
        return plan

    small, large = big_plan(10), big_plan(100)
    for plan in (small, large):
        with django_assert_max_num_queries(7):
            review = review_plan(plan)
            # The placeholder gate: only the title section (no placeholder) counts as approved.
            assert review.approved_sections == 1 and review.placeholders == len(review.sections) - 1


def test_plan_statuses_in_constant_queries(project, owner, django_assert_num_queries):
    plans = [make_plan(project, owner, slug=slug) for slug in ("feature-plan", "phase-plan")]
    plans.append(make_plan(project, owner, slug="technical-approach-plan"))
    for plan in plans:
        plan.project = project
    with django_assert_num_queries(4):
        statuses = plan_statuses(plans)
    assert set(statuses.values()) == {"draft"}
