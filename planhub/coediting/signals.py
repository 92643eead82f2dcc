"""Receivers: a change that reaches a section without its draft is merged into the draft."""

from django.db import transaction
from django.db.models import BigIntegerField
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from planhub.lib.broadcast import member_group, plan_group, send_after_commit
from planhub.lib.compiled_query import CompiledQuery, Param
from planhub.plans.models import Section
from planhub.plans.signals import section_published
from planhub.projects.models import Membership
from planhub.projects.signals import role_changed

from . import drafts
from .models import Draft

# Asked after every save: compiled once per process.
DRAFT_OF_SECTION = CompiledQuery(
    lambda: Draft.objects.filter(section_id=Param("id", BigIntegerField())).values_list("pk")
)


@receiver(section_published, dispatch_uid="coediting_merge_into_draft")
def merge_into_draft(sender, section, **kwargs) -> None:
    """A save that did not come from the draft (no JavaScript, the API, a ticked task, a restore,
    an import): merged into the open draft once the save is committed, so that the draft's lock
    is never taken while the saver still holds the section's."""
    if drafts.publishing(section.pk):
        return
    found = DRAFT_OF_SECTION.row(id=section.pk)
    if found is not None:
        (draft_id,) = found
        transaction.on_commit(lambda: drafts.merge_section_change(draft_id), robust=True)


# --- consumer: open WebSockets re-check access on a membership change; the plan page hears
# of drafts opening -------------------------------------------------------------------------
def _member_changed(membership: Membership) -> None:
    group = member_group(membership.project_id, membership.user_id)
    send_after_commit(group, {"type": "member.changed"})


@receiver(post_save, sender=Membership, dispatch_uid="coediting-member-saved")
def member_saved(sender, instance, created, **kwargs) -> None:
    if not created:  # a new member has no connection to narrow yet
        _member_changed(instance)


@receiver(post_delete, sender=Membership, dispatch_uid="coediting-member-deleted")
def member_deleted(sender, instance, **kwargs) -> None:
    _member_changed(instance)


@receiver(role_changed, dispatch_uid="coediting-role-changed")
def member_role_changed(sender, membership, **kwargs) -> None:
    _member_changed(membership)


@receiver(post_save, sender=Draft, dispatch_uid="coediting-draft-opened")
def draft_opened(sender, instance, created, **kwargs) -> None:
    """Plan pages show the section's draft banner (drafts.discard announces its end)."""
    if not created:  # an edit of the draft: its own group hears of it
        return
    if Draft._meta.get_field("section").is_cached(instance):  # open_draft made it: no query
        plan_id = instance.section.plan_id
    else:
        sections = Section.all_objects.filter(pk=instance.section_id)
        plan_id = sections.values_list("plan_id", flat=True).first()
    if plan_id is not None:
        message = {"type": "plan.changed", "section": instance.section_id, "kind": "draft"}
        send_after_commit(plan_group(plan_id), message)


# --- end consumer ---------------------------------------------------------------------------
