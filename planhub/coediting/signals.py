"""Receivers: a change that reaches a section without its draft is merged into the draft."""

from django.db import transaction
from django.dispatch import receiver

from planhub.plans.signals import section_published

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
