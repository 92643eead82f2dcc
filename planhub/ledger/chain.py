"""The audit ledger's public interface: every action that matters is appended here, in the
transaction that makes the change (so the entry and the change commit or roll back together).

Callers (plans, reviews, projects, baselines) use `append` (or `append_many`) and `head`."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .actions import Action
from .models import LedgerEntry, LedgerHead, canonical_json

__all__ = [
    "Action",
    "append",
    "append_many",
    "head",
    "head_json",
    "entry_count",
    "sha256_text",
]


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
    return append_many(project_id=project_id, actor=actor, items=[(action, target, data)])[0]


def append_many(*, project_id: int, actor=None, items) -> list[LedgerEntry]:
    """Append several entries by `actor` at once, in order: `items` are (action, target,
    data) as `append` takes them. One lock and one insert (a plan's sections at its creation)."""
    # No savepoint: an append that fails fails the caller's whole transaction, change included.
    with transaction.atomic(savepoint=False):
        seq, prev_hash = _lock_head(project_id)
        now = timezone.now()
        entries = []
        for action, target, data in items:
            seq += 1
            entry = LedgerEntry(
                project_id=project_id,
                plan_id=_plan_id(target, data),
                seq=seq,
                action=str(action),
                actor_id=getattr(actor, "pk", None),
                actor_username=getattr(actor, "username", "") or "",
                target_type=target._meta.label_lower if target is not None else "",
                target_id=target.pk if target is not None else None,
                data=_jsonable(data),
                created_at=now,
                prev_hash=prev_hash,
            )
            entry.hash = prev_hash = entry.compute_hash()
            entries.append(entry)
        if entries:
            LedgerEntry.objects.bulk_create(entries)
            LedgerHead.objects.filter(project_id=project_id).update(seq=seq, hash=prev_hash)
    return entries


def _lock_head(project_id: int) -> tuple[int, str]:
    """Lock the project's head row, created at its first entry, and read it: appends in one
    project queue here (until the transaction ends), other projects do not wait. One statement
    on both databases: the upsert locks the row even when it exists (and, on PostgreSQL, waits
    for a concurrent append to commit, then returns the row as that one left it)."""
    table = LedgerHead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (project_id, seq, hash) VALUES (%s, 0, '') "
            f"ON CONFLICT (project_id) DO UPDATE SET seq = {table}.seq RETURNING seq, hash",
            [project_id],
        )
        seq, hash_ = cursor.fetchone()
    return seq, hash_


def _plan_id(target, data) -> int | None:
    if data and data.get("plan_id") is not None:
        return data["plan_id"]
    if target is None:
        return None
    if target._meta.label_lower == "plans.plan":
        return target.pk
    return getattr(target, "plan_id", None)


def head(project_id: int) -> str:
    """The hash of the project's newest ledger entry ("" while it has none)."""
    return (
        LedgerHead.objects.filter(project_id=project_id).values_list("hash", flat=True).first()
        or ""
    )


def head_json(project_id: int) -> dict:
    """{"head": the newest entry's hash, "entries": how many}: what the API shows, one query."""
    found = LedgerHead.objects.filter(project_id=project_id).values_list("hash", "seq").first()
    head_hash, entries = found or ("", 0)
    return {"head": head_hash, "entries": entries}


def entry_count(project_id: int) -> int:
    """How many entries the project's chain holds (its head's sequence number)."""
    return (
        LedgerHead.objects.filter(project_id=project_id).values_list("seq", flat=True).first() or 0
    )
