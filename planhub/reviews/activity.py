"""A plan's activity, read back from the records themselves (nothing extra is stored)."""

from dataclasses import dataclass
from datetime import datetime

from planhub.plans.models import Plan, SectionRevision, SignOffSlot, StructureChange

from .models import Comment, Decision, SectionDecision, SignOff, SignOffDecision


@dataclass(frozen=True)
class Event:
    at: datetime
    who: str
    kind: str  # edit, approval, changes, signoff, declined, comment, assign, created
    text: str
    section_id: int | None = None


def _name(user) -> str:
    return user.username if user else "someone"


def plan_activity(plan: Plan, limit: int = 200) -> list[Event]:
    """Newest first: edits, structure changes, approvals, sign-offs, assignments and comments
    (six queries)."""
    events: list[Event] = []
    revisions = SectionRevision.objects.filter(section__plan=plan).select_related("author")
    for revision in revisions.filter(version__gt=1).order_by("-created_at")[:limit]:
        what = revision.heading or "the text before the first heading"
        note = f" — {revision.note}" if revision.note else ""
        events.append(
            Event(
                revision.created_at,
                _name(revision.author),
                "edit",
                f"edited “{what}” (version {revision.version}){note}",
                revision.section_id,
            )
        )
    origin = plan.template.name if plan.template else "a document"
    events.append(
        Event(plan.created_at, _name(plan.created_by), "created", f"created the plan from {origin}")
    )
    for approval in SectionDecision.objects.filter(section__plan=plan).select_related(
        "reviewer", "section"
    ):
        approved = approval.decision == Decision.APPROVED
        text = f"{approval.verb_on} “{approval.section}” (version {approval.version})"
        if approval.comment:
            text += f": {approval.comment}"
        events.append(
            Event(
                approval.created_at,
                _name(approval.reviewer),
                "approval" if approved else "changes",
                text,
                approval.section_id,
            )
        )
    for signoff in SignOff.objects.filter(slot__plan=plan).select_related("user", "slot"):
        signed = signoff.decision == SignOffDecision.SIGNED
        text = f"{SignOffDecision(signoff.decision).label.lower()} “{signoff.slot.name}”"
        if signoff.reason:
            text += f": {signoff.reason}"
        events.append(
            Event(
                signoff.created_at, _name(signoff.user), "signoff" if signed else "declined", text
            )
        )
    for slot in SignOffSlot.objects.filter(plan=plan, assigned_at__isnull=False).select_related(
        "assignee", "assigned_by"
    ):
        target = slot.assignee.username if slot.assignee else "nobody"
        events.append(
            Event(
                slot.assigned_at,
                _name(slot.assigned_by),
                "assign",
                f"assigned “{slot.name}” to {target}",
            )
        )
    for comment in Comment.objects.filter(section__plan=plan).select_related("author", "section"):
        verb = "replied on" if comment.parent_id else "commented on"
        events.append(
            Event(
                comment.created_at,
                _name(comment.author),
                "comment",
                f"{verb} “{comment.section}”: "
                + ("(comment deleted)" if comment.is_deleted else comment.body[:200]),
                comment.section_id,
            )
        )
    for change in StructureChange.objects.filter(plan=plan).select_related("author", "section"):
        detail = f" {change.detail}" if change.detail else ""
        events.append(
            Event(
                change.created_at,
                _name(change.author),
                "structure",
                f"{change.get_action_display()} “{change.section}”{detail}",
                change.section_id,
            )
        )
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
