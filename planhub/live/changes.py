"""What changed on a plan since a moment, read from the records themselves (never from memory).

Every change is reported with a token that names it (`v7`: the section reached version 7,
`a12`: approval 12, `c40`: comment 40, `r40.<time>`: comment 40 resolved then). The window
starts OVERLAP before the client's cursor, so a write stamped just before the cursor but
committed after the previous poll read (or stamped by an app server whose clock is a little
behind) is still seen; the tokens let the client skip what it has already shown. Constant
queries whatever the number of sections: three, plus one for sign-offs.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q

from planhub.plans.models import Plan, SignOffSlot
from planhub.reviews.models import Comment, SectionDecision

# Longer than any write transaction takes from stamping its rows to committing (SQLite may
# wait seconds for its write lock) plus the clock drift between app servers.
OVERLAP = timedelta(seconds=10)


def _stamp(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1_000_000))


@dataclass
class SectionChange:
    id: int
    version: int
    edited_by_id: int | None = None  # set when the text changed in the window
    edited_by: str = ""
    tokens: list[str] = field(default_factory=list)
    mine: list[str] = field(default_factory=list)  # the tokens of changes `user` made

    def add(self, token: str, by_user: bool) -> None:
        self.tokens.append(token)
        if by_user:
            self.mine.append(token)

    def as_json(self, user_id: int | None) -> dict:
        return {
            "id": self.id,
            "version": self.version,
            "edited_by": self.edited_by or None,
            "edited_by_me": self.edited_by_id == user_id,
            "changes": self.tokens,
            "mine": self.mine,
        }


@dataclass
class PlanChanges:
    order: list[int]  # every section, in order: the client adds, removes and moves sections
    sections: list[SectionChange]
    plan_tokens: list[str]  # plan-level changes: any edit, sign-offs, assignments

    @property
    def plan_changed(self) -> bool:
        return bool(self.plan_tokens)

    def as_json(self, user_id: int | None) -> dict:
        """The poll's answer about the plan (the view adds the cursor and who is here)."""
        return {
            "sections": [change.as_json(user_id) for change in self.sections],
            "order": self.order,
            "plan_changed": self.plan_changed,
            "plan_changes": self.plan_tokens,
        }


def changes_since(plan: Plan, after: datetime, user_id: int | None = None) -> PlanChanges:
    """Changes on `plan` at or after `after` (callers subtract OVERLAP from their cursor);
    those `user_id` made are marked, so the page that made them need not fetch them again."""
    rows = list(
        plan.sections.order_by("position", "pk").values_list(
            "pk", "version", "updated_at", "updated_by_id", "updated_by__username"
        )
    )
    versions = {pk: version for pk, version, *_ in rows}
    changed: dict[int, SectionChange] = {}

    def entry(section_id: int) -> SectionChange | None:
        """The section's change record; None for a section not (or no longer) in the plan."""
        if section_id not in versions:
            return None
        if section_id not in changed:
            changed[section_id] = SectionChange(section_id, versions[section_id])
        return changed[section_id]

    for pk, version, updated_at, by_id, by_name in rows:
        if updated_at >= after:
            change = entry(pk)
            change.edited_by_id, change.edited_by = by_id, by_name or ""
            change.add(f"v{version}", by_id == user_id)
    # Index approval_section_time (section, created_at), reached through the plan's sections.
    for section_id, approval_id, reviewer_id in (
        SectionDecision.objects.filter(section__plan=plan, created_at__gte=after)
        .order_by()
        .values_list("section_id", "pk", "reviewer_id")
    ):
        if change := entry(section_id):
            change.add(f"a{approval_id}", reviewer_id == user_id)
    # A plan's comments, through index comment_open_threads (section, ...): a few per section.
    for section_id, comment_id, created_at, author_id, resolved_at, resolver_id in (
        Comment.objects.filter(section__plan=plan)
        .filter(Q(created_at__gte=after) | Q(resolved_at__gte=after))
        .order_by()
        .values_list("section_id", "pk", "created_at", "author_id", "resolved_at", "resolved_by_id")
    ):
        if change := entry(section_id):
            if created_at >= after:
                change.add(f"c{comment_id}", author_id == user_id)
            if resolved_at is not None and resolved_at >= after:
                change.add(f"r{comment_id}.{_stamp(resolved_at)}", resolver_id == user_id)

    plan_tokens = []
    if plan.updated_at >= after:  # touched by every edit (a sign-off may have gone stale)
        plan_tokens.append(f"p{_stamp(plan.updated_at)}")
    # Slots by their plan (foreign key index), their sign-offs by slot (foreign key index).
    for slot_id, assigned_at, signoff_id, signed_at in (
        SignOffSlot.objects.filter(plan=plan)
        .filter(Q(assigned_at__gte=after) | Q(signoffs__created_at__gte=after))
        .order_by()
        .values_list("pk", "assigned_at", "signoffs__pk", "signoffs__created_at")
    ):
        if assigned_at is not None and assigned_at >= after:
            plan_tokens.append(f"slot{slot_id}.{_stamp(assigned_at)}")
        if signed_at is not None and signed_at >= after:
            plan_tokens.append(f"s{signoff_id}")
    return PlanChanges(
        order=[pk for pk, *_ in rows],
        sections=list(changed.values()),
        plan_tokens=sorted(set(plan_tokens)),
    )
