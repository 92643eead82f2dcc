"""The audit ledger's public interface: every action that matters is appended here, in the
transaction that makes the change (so the entry and the change commit or roll back together).

Callers (plans, reviews, projects, baselines) use only `append` and `head`."""

from django.db import models


class Action(models.TextChoices):
    PLAN_CREATED = "plan.created", "plan created"
    PLAN_ARCHIVED = "plan.archived", "plan archived"
    PLAN_RESTORED = "plan.unarchived", "plan restored from the archive"
    SECTION_VERSION = "section.version", "section version"
    SECTION_ADDED = "section.added", "section added"
    SECTION_MOVED = "section.moved", "section moved"
    SECTION_DELETED = "section.deleted", "section deleted"
    SECTION_RESTORED = "section.restored", "section restored"
    DECISION = "review.decision", "review decision"
    REVIEW_REQUESTED = "review.requested", "review requested"
    SIGNOFF = "signoff.decision", "sign-off"
    SIGNOFF_ASSIGNED = "signoff.assigned", "sign-off assigned"
    BASELINE_FROZEN = "baseline.frozen", "version frozen"
    MEMBER_ADDED = "member.added", "member added"
    MEMBER_REMOVED = "member.removed", "member removed"
    MEMBER_ROLE = "member.role", "member's role changed"
    SETTINGS = "project.settings", "project settings changed"


def append(*, project_id: int, action: str, actor=None, target=None, data=None) -> None:
    """Append one entry to the project's ledger: `action` (an Action) by `actor` (a user or
    None for the system) on `target` (the model instance the action created or changed, or
    None), with `data` (a JSON-able dict of what the action says: the fields of `target` that
    an auditor checks, the reason, the old and new role...)."""
    # Skeleton: the ledger issue fills this in (model, hash chain, triggers).


def head(project_id: int) -> str:
    """The hash of the project's newest ledger entry ("" while it has none)."""
    return ""
