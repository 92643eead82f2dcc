"""changes_since: what a poll reports, read from the records (edits, reviews, comments, sign-offs,
structure), with the server's overlap and tokens that name each change once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from planhub.live.changes import OVERLAP, changes_since
from planhub.plans.models import Section
from planhub.plans.restructuring import add_section_after, delete_section, move, restore_section
from planhub.reviews.models import Comment, SectionDecision, SignOff
from planhub.reviews.status import review_plan

from .conftest import section_of

pytestmark = pytest.mark.django_db


def age_everything(plan, by=timedelta(minutes=5)) -> None:
    """Move every existing record of `plan` into the past, before any test cursor."""
    then = timezone.now() - by
    Section.all_objects.filter(plan=plan).update(updated_at=then)
    type(plan).objects.filter(pk=plan.pk).update(updated_at=then)
    plan.refresh_from_db()


def by_id(changes):
    return {change.id: change for change in changes.sections}


def test_nothing_changed_since_cursor(doc):
    age_everything(doc)
    changes = changes_since(doc, timezone.now() - OVERLAP)
    assert changes.sections == [] and not changes.plan_changed
    assert changes.order == list(doc.sections.order_by("position").values_list("pk", flat=True))


def test_an_edit_is_reported_with_its_version_and_author(doc, owner, editor):
    age_everything(doc)
    cursor = timezone.now()
    scope = section_of(doc, "Scope")
    scope.save_edit(author=editor, heading="Scope", body="EU only.", base_version=1)
    doc.refresh_from_db()
    changes = changes_since(doc, cursor - OVERLAP, user_id=owner.pk)
    assert list(by_id(changes)) == [scope.pk]
    change = by_id(changes)[scope.pk]
    assert (change.version, change.edited_by, change.tokens, change.mine) == (
        2,
        "eddie",
        ["v2"],
        [],
    )
    assert changes.plan_changed  # an edit can make a sign-off stale
    assert changes_since(doc, cursor - OVERLAP, user_id=editor.pk).sections[0].mine == ["v2"]


def test_approvals_and_comments_are_reported_on_their_section(doc, owner, reviewer):
    age_everything(doc)
    cursor = timezone.now()
    scope, risks = section_of(doc, "Scope"), section_of(doc, "Risks")
    approval = SectionDecision.objects.create(
        section=scope, reviewer=reviewer, decision="approved", version=1
    )
    comment = Comment.objects.create(section=risks, author=owner, body="Backups?")
    changes = by_id(changes_since(doc, cursor - OVERLAP, user_id=owner.pk))
    assert changes[scope.pk].tokens == [f"a{approval.pk}"] and changes[scope.pk].mine == []
    assert changes[risks.pk].tokens == [f"c{comment.pk}"]
    assert changes[risks.pk].mine == [f"c{comment.pk}"]
    assert changes[scope.pk].edited_by == ""  # not edited: no "changed while editing" notice


def test_resolving_an_old_comment_is_a_new_change(doc, owner, reviewer):
    risks = section_of(doc, "Risks")
    comment = Comment.objects.create(section=risks, author=owner, body="Backups?")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    age_everything(doc)
    cursor = timezone.now()
    comment.refresh_from_db()
    comment.resolve(reviewer)
    (change,) = changes_since(doc, cursor - OVERLAP).sections
    assert change.id == risks.pk and len(change.tokens) == 1
    assert change.tokens[0].startswith(f"r{comment.pk}.")


def test_window_is_at_or_after_the_bound_so_equal_timestamps_count(doc):
    age_everything(doc)
    scope = section_of(doc, "Scope")
    moment = timezone.now().replace(microsecond=0)
    Section.objects.filter(pk=scope.pk).update(updated_at=moment)
    assert [c.id for c in changes_since(doc, moment).sections] == [scope.pk]
    assert changes_since(doc, moment + timedelta(microseconds=1)).sections == []


def test_overlap_reports_a_change_stamped_just_before_the_cursor(doc):
    """A save stamped before the previous poll's cursor but committed after that poll read."""
    age_everything(doc)
    cursor = timezone.now()
    scope = section_of(doc, "Scope")
    Section.objects.filter(pk=scope.pk).update(
        updated_at=cursor - OVERLAP / 2, version=2
    )  # committed late
    assert [c.id for c in changes_since(doc, cursor - OVERLAP).sections] == [scope.pk]
    Section.objects.filter(pk=scope.pk).update(updated_at=cursor - OVERLAP * 2)
    assert changes_since(doc, cursor - OVERLAP).sections == []


def test_same_change_keeps_its_token_across_polls(doc, owner, editor):
    """Overlapping windows report a change twice: the token lets the client apply it once."""
    age_everything(doc)
    first_cursor = timezone.now()
    section_of(doc, "Scope").save_edit(author=editor, heading="Scope", body="x", base_version=1)
    doc.refresh_from_db()
    first = changes_since(doc, first_cursor - OVERLAP)
    second = changes_since(doc, timezone.now() - OVERLAP)
    assert first.sections[0].tokens == second.sections[0].tokens == ["v2"]
    assert first.plan_tokens == second.plan_tokens


def test_signoff_and_assignment_change_the_plan(doc, owner, reviewer):
    age_everything(doc)
    cursor = timezone.now()
    slot = doc.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    after_assign = changes_since(doc, cursor - OVERLAP)
    assert after_assign.plan_changed and after_assign.sections == []
    assert after_assign.plan_tokens[0].startswith(f"slot{slot.pk}.")
    signoff = SignOff.record(
        slot, user=reviewer, decision="signed", reason="", seen_hash=review_plan(doc).content_hash
    )
    assert f"s{signoff.pk}" in changes_since(doc, cursor - OVERLAP).plan_tokens


def test_old_signoffs_of_a_newly_assigned_slot_are_not_reported(doc, owner, reviewer):
    slot = doc.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    old = SignOff.record(
        slot, user=reviewer, decision="signed", reason="", seen_hash=review_plan(doc).content_hash
    )
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    age_everything(doc)
    cursor = timezone.now()
    slot.assign(owner, by=owner)
    assert f"s{old.pk}" not in changes_since(doc, cursor - OVERLAP).plan_tokens


def test_structure_changes_show_in_the_order(doc, owner):
    scope, risks = section_of(doc, "Scope"), section_of(doc, "Risks")
    launch = section_of(doc, "Launch")
    age_everything(doc)
    cursor = timezone.now()
    move(risks, owner, up=True)
    assert changes_since(doc, cursor).order == [launch.pk, risks.pk, scope.pk]
    new = add_section_after(scope, owner, heading="Budget")
    doc.refresh_from_db()
    changes = changes_since(doc, cursor - OVERLAP)
    assert changes.order == [launch.pk, risks.pk, scope.pk, new.pk]
    assert new.pk in by_id(changes) and changes.plan_changed
    delete_section(section_of(doc, "Risks"), owner)
    assert risks.pk not in changes_since(doc, cursor).order
    restore_section(Section.all_objects.get(pk=risks.pk), owner)
    assert risks.pk in changes_since(doc, cursor).order


def test_reviews_on_a_deleted_section_are_left_out(doc, owner, reviewer):
    risks = section_of(doc, "Risks")
    delete_section(risks, owner)
    age_everything(doc)
    cursor = timezone.now()
    SectionDecision.objects.create(section=risks, reviewer=reviewer, decision="approved", version=1)
    assert changes_since(doc, cursor - OVERLAP).sections == []


def test_other_plans_changes_are_not_reported(doc, project, owner, editor):
    from tests.factories import make_plan

    other = make_plan(project, owner, text="# Other\n\ntext\n")
    age_everything(doc)
    cursor = timezone.now()
    section_of(other, "Other").save_edit(author=editor, heading="Other", body="x", base_version=1)
    assert changes_since(doc, cursor - OVERLAP).sections == []
