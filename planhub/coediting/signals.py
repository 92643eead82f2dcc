"""Receivers: a change that reaches a section without its draft is merged into the draft."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from planhub.lib.broadcast import member_group, send_after_commit
from planhub.plans.signals import section_published
from planhub.projects.models import Membership
from planhub.projects.signals import role_changed

from . import drafts
from .models import Draft


@receiver(section_published, dispatch_uid="coediting_merge_into_draft")
def merge_into_draft(sender, section, **kwargs) -> None:
    """A save that did not come from the draft (no JavaScript, the API, a ticked task, a restore,
    an import): merged into the open draft once the save is committed, so that the draft's lock
    is never taken while the saver still holds the section's."""
    if drafts.publishing(section.pk):
        return
    draft_id = Draft.objects.filter(section_id=section.pk).values_list("pk", flat=True).first()
    if draft_id is not None:
        transaction.on_commit(lambda: drafts.merge_section_change(draft_id), robust=True)


# --- consumer: open WebSockets of a member re-check their access when it changes ---------


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


# --- end consumer ---------------------------------------------------------------------------
