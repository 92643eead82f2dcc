"""A stand-in for planhub.coediting.drafts (written in parallel on another branch), with the
contract's signatures, used only while the real module is missing."""

import pycrdt
from django.db import transaction
from django.utils import timezone

from planhub.coediting.models import Draft, DraftUpdate


class DraftGone(Exception):
    pass


def open_draft(section) -> Draft:
    draft = Draft.objects.filter(section=section).first()
    if draft is not None:
        return draft
    doc = pycrdt.Doc()
    doc["heading"] = pycrdt.Text(section.heading)
    doc["body"] = pycrdt.Text(section.body)
    draft, _ = Draft.objects.get_or_create(
        section=section,
        defaults={"base_version": section.version, "snapshot": doc.get_update()},
    )
    return draft


def load_doc(draft) -> pycrdt.Doc:
    doc = pycrdt.Doc()
    doc.apply_update(bytes(Draft.objects.get(pk=draft.pk).snapshot))
    for data in DraftUpdate.objects.filter(draft_id=draft.pk).values_list("data", flat=True):
        doc.apply_update(bytes(data))
    return doc


def doc_text(doc) -> tuple[str, str]:
    return str(doc.get("heading", type=pycrdt.Text)), str(doc.get("body", type=pycrdt.Text))


def store_update(draft_id: int, data: bytes, author_id: int | None) -> int:
    with transaction.atomic():
        draft = Draft.objects.select_for_update().filter(pk=draft_id).first()
        if draft is None:
            raise DraftGone(draft_id)
        stored = DraftUpdate.objects.create(draft=draft, data=data, author_id=author_id)
        if author_id is not None:
            draft.authors.add(author_id)
        Draft.objects.filter(pk=draft_id).update(edited_at=timezone.now(), edited_by_id=author_id)
    return stored.pk


def compact(draft_id: int) -> None:
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft_id)
        doc = load_doc(draft)
        DraftUpdate.objects.filter(draft=draft).delete()
        draft.snapshot = doc.get_update()
        draft.save(update_fields=["snapshot"])
