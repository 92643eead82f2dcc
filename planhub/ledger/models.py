"""The audit ledger: one hash chain per project, appended to and never changed.

Every column is plain (no foreign key): no deletion anywhere cascades into the ledger, and an
entry keeps naming what it was about after that is gone. The database refuses UPDATE and DELETE
on entries (a pgtrigger Protect trigger on PostgreSQL, BEFORE triggers on SQLite, created by
migration 0002)."""

import hashlib
import json
from datetime import UTC

import pgtrigger
from django.db import models

from .actions import Action


def canonical_json(value) -> str:
    """The one serialisation that is stored and hashed: sorted keys, no spaces, ASCII only."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


class LedgerHead(models.Model):
    """A project's newest entry: appends lock this row, so appends within a project queue and
    those of different projects do not wait for each other. Also the check that no entry was
    cut off the end of the chain (verify compares it with the last entry)."""

    project_id = models.BigIntegerField(primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"project {self.project_id}: #{self.seq} {self.hash[:12]}"


class LedgerEntry(models.Model):
    project_id = models.BigIntegerField()
    plan_id = models.BigIntegerField(null=True, blank=True)
    seq = models.PositiveBigIntegerField()
    # An Action value; no `choices`, so that a new action (added by any app) needs no migration.
    action = models.CharField(max_length=40)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    target_type = models.CharField(max_length=100, blank=True, help_text="app_label.model")
    target_id = models.BigIntegerField(null=True, blank=True)
    # Canonical JSON text (canonical_json), stored as hashed: byte for byte what the hash covers.
    data = models.TextField(default="{}")
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["project_id", "seq"]
        verbose_name_plural = "ledger entries"
        constraints = [
            # Also the index verify_ledger and the exports read the chain in order with.
            models.UniqueConstraint(fields=["project_id", "seq"], name="ledger_project_seq"),
        ]
        indexes = [
            # A plan's audit trail (exports): its entries in chain order.
            models.Index(fields=["plan_id", "seq"], name="ledger_plan_seq"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="ledger_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @property
    def payload(self) -> dict:
        return json.loads(self.data)

    @property
    def action_label(self) -> str:
        try:
            return Action(self.action).label
        except ValueError:
            return self.action

    def content(self) -> dict:
        """Every field but `hash` (and the row id), as hashed."""
        return {
            "project_id": self.project_id,
            "plan_id": self.plan_id,
            "seq": self.seq,
            "action": self.action,
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "data": self.data,
            "created_at": self.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.content()).encode()).hexdigest()
