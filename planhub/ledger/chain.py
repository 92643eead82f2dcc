"""The audit ledger's public interface: every action that matters is appended here, in the
transaction that makes the change (so the entry and the change commit or roll back together).

Callers (plans, reviews, projects, baselines) use only `append` and `head`."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .actions import Action
from .models import LedgerEntry, LedgerHead, canonical_json

__all__ = ["Action", "append", "head", "entry_count", "sha256_text"]


def sha256_text(text: str) -> str:
    """How entries record a long text (a section's body): its UTF-8 bytes' sha256."""
    return hashlib.sha256(text.encode()).hexdigest()


def _jsonable(data) -> str:
    # Dates, decimals and UUIDs as DjangoJSONEncoder writes them, then canonical.
    return canonical_json(json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)))


def append(*, project_id: int, action: str, actor=None, target=None, data=None) -> LedgerEntry:
    """Append one entry to the project's ledger: `action` (an Action) by `actor` (a user or
    None for the system) on `target` (the model instance the action created or changed, or
    None), with `data` (a JSON-able dict of what the action says: the fields of `target` that
    an auditor checks, the reason, the old and new role...).

    Runs in the caller's transaction (or its own): the project's head row is locked until it
    commits, so entries of one project get contiguous numbers, each linked to the one before."""
    data = dict(data or {})
    plan_id = data.get("plan_id")
    if plan_id is None and target is not None:
        plan_id = getattr(target, "plan_id", None)
        if plan_id is None and target._meta.label_lower == "plans.plan":
            plan_id = target.pk
    with transaction.atomic():
        # Created once per project (no error if another transaction creates it meanwhile),
        # then locked: appends in one project queue here, other projects do not wait.
        LedgerHead.objects.bulk_create([LedgerHead(project_id=project_id)], ignore_conflicts=True)
        current = LedgerHead.objects.select_for_update().get(project_id=project_id)
        entry = LedgerEntry(
            project_id=project_id,
            plan_id=plan_id,
            seq=current.seq + 1,
            action=str(action),
            actor_id=getattr(actor, "pk", None),
            actor_username=getattr(actor, "username", "") or "",
            target_type=target._meta.label_lower if target is not None else "",
            target_id=target.pk if target is not None else None,
            data=_jsonable(data),
            created_at=timezone.now(),
            prev_hash=current.hash,
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        LedgerHead.objects.filter(project_id=project_id).update(seq=entry.seq, hash=entry.hash)
    return entry


def head(project_id: int) -> str:
    """The hash of the project's newest ledger entry ("" while it has none)."""
    return (
        LedgerHead.objects.filter(project_id=project_id).values_list("hash", flat=True).first()
        or ""
    )


def entry_count(project_id: int) -> int:
    """How many entries the project's chain holds (its head's sequence number)."""
    return (
        LedgerHead.objects.filter(project_id=project_id).values_list("seq", flat=True).first() or 0
    )
