"""Review status, computed from the records (never stored): sections, sign-off slots, plan.

`review_plan` reads everything a plan page needs in a fixed number of queries, whatever the
number of sections.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.db.models import Count

from planhub.plans.models import Plan, Section
from planhub.plans.placeholders import count_placeholders
from planhub.projects.models import Role

from .models import Approval, Comment, Decision, SignOff, SignOffDecision, SignOffSlot


class SectionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    STALE = "stale", "Stale"


class SlotStatus(models.TextChoices):
    UNASSIGNED = "unassigned", "Unassigned"
    PENDING = "pending", "Waiting"
    SIGNED = "signed", "Signed off"
    DECLINED = "declined", "Declined"
    STALE = "stale", "Stale"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"


def content_hash(sections) -> str:
    """What a sign-off is tied to: every section (in order) at its current version."""
    state = ",".join(f"{s.pk}:{s.version}" for s in sections)
    return hashlib.sha256(state.encode()).hexdigest()


@dataclass
class SectionReview:
    section: Section
    status: str
    current: list[Approval]  # each reviewer's latest decision on the current version
    stale: list[Approval]  # earlier-version decisions of reviewers silent on this one
    approved_count: int
    open_comments: int

    @property
    def status_label(self) -> str:
        return SectionStatus(self.status).label

    @cached_property
    def placeholders(self) -> int:
        return count_placeholders(self.section.source)


def section_review(section, decisions, required: int, open_comments: int = 0) -> SectionReview:
    """`decisions`: the section's approvals, oldest first."""
    latest_current: dict[int, Approval] = {}
    latest_earlier: dict[int, Approval] = {}
    for approval in decisions:
        target = latest_current if approval.version == section.version else latest_earlier
        target[approval.reviewer_id] = approval
    current = list(latest_current.values())
    stale = [a for r, a in latest_earlier.items() if r not in latest_current]
    approved = sum(a.decision == Decision.APPROVED for a in current)
    if any(a.decision == Decision.CHANGES_REQUESTED for a in current):
        status = SectionStatus.CHANGES_REQUESTED
    elif approved >= required:
        status = SectionStatus.APPROVED
    elif any(a.decision == Decision.APPROVED for a in stale):
        status = SectionStatus.STALE
    else:
        status = SectionStatus.PENDING
    return SectionReview(
        section=section,
        status=status.value,
        current=current,
        stale=stale,
        approved_count=approved,
        open_comments=open_comments,
    )


@dataclass
class SlotReview:
    slot: SignOffSlot
    status: str
    latest: SignOff | None

    @property
    def status_label(self) -> str:
        return SlotStatus(self.status).label


def slot_review(slot: SignOffSlot, signoffs: list[SignOff], current_hash: str) -> SlotReview:
    """`signoffs`: the slot's decisions, oldest first; the latest by its assignee counts."""
    mine = [s for s in signoffs if s.user_id == slot.assignee_id]
    latest = mine[-1] if mine else None
    if slot.assignee_id is None:
        status = SlotStatus.UNASSIGNED
    elif latest is None:
        status = SlotStatus.PENDING
    elif latest.decision == SignOffDecision.DECLINED:
        status = SlotStatus.DECLINED
    elif latest.content_hash != current_hash:
        status = SlotStatus.STALE
    else:
        status = SlotStatus.SIGNED
    return SlotReview(slot=slot, status=status.value, latest=latest)


@dataclass
class PlanReview:
    plan: Plan
    sections: list[SectionReview]
    slots: list[SlotReview]
    content_hash: str
    status: str
    by_section: dict[int, SectionReview] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return PlanStatus(self.status).label

    @property
    def approved_sections(self) -> int:
        return sum(r.status == SectionStatus.APPROVED for r in self.sections)

    @property
    def changes_requested(self) -> int:
        return sum(r.status == SectionStatus.CHANGES_REQUESTED for r in self.sections)

    @property
    def placeholders(self) -> int:
        return sum(r.placeholders for r in self.sections)

    @property
    def sections_to_fill(self) -> int:
        return sum(bool(r.placeholders) for r in self.sections)

    @cached_property
    def reviewers(self) -> list:
        """Memberships that may be assigned a sign-off (queried only when a page asks)."""
        return list(
            self.plan.project.memberships.filter(role__in=[Role.OWNER, Role.REVIEWER])
            .select_related("user")
            .order_by("user__username")
        )

    @property
    def signed_slots(self) -> int:
        return sum(r.status == SlotStatus.SIGNED for r in self.slots)


def plan_status(sections: list[SectionReview], slots: list[SlotReview], any_activity: bool) -> str:
    if (
        sections
        and all(r.status == SectionStatus.APPROVED for r in sections)
        and all(r.status == SlotStatus.SIGNED for r in slots)
    ):
        return PlanStatus.APPROVED.value
    return PlanStatus.IN_REVIEW.value if any_activity else PlanStatus.DRAFT.value


# What a review bar shows of an approval (not the reviewer's whole user row).
APPROVAL_FIELDS = ("section_id", "reviewer_id", "decision", "version", "comment", "created_at")


def review_plan(plan: Plan, sections: list[Section] | None = None) -> PlanReview:
    """The whole review state of `plan` in five queries (four when `sections` are given)."""
    if sections is None:
        sections = list(plan.sections.all())
    decisions = defaultdict(list)
    approvals = Approval.objects.filter(section__plan=plan).select_related("reviewer")
    for approval in approvals.only(*APPROVAL_FIELDS, "reviewer__username"):
        decisions[approval.section_id].append(approval)
    open_threads = dict(
        Comment.objects.filter(section__plan=plan, parent=None, resolved_at=None)
        .values_list("section")
        .annotate(n=Count("pk"))
    )
    slots = list(plan.signoff_slots.select_related("assignee"))
    signoffs = defaultdict(list)
    for signoff in SignOff.objects.filter(slot__plan=plan).select_related("user"):
        signoffs[signoff.slot_id].append(signoff)

    activity = bool(decisions) or bool(signoffs)
    required = plan.project.required_approvals
    reviews = [
        section_review(s, decisions.get(s.pk, []), required, open_threads.get(s.pk, 0))
        for s in sections
    ]
    current_hash = content_hash(sections)
    slot_reviews = [slot_review(slot, signoffs.get(slot.pk, []), current_hash) for slot in slots]
    review = PlanReview(
        plan=plan,
        sections=reviews,
        slots=slot_reviews,
        content_hash=current_hash,
        status=plan_status(reviews, slot_reviews, activity),
    )
    review.by_section = {r.section.pk: r for r in reviews}
    return review


def review_section(section: Section) -> SectionReview:
    """One section's review state (after a save or a review on it): two queries."""
    decisions = list(section.approvals.select_related("reviewer"))
    open_comments = section.comments.filter(parent=None, resolved_at=None).count()
    return section_review(
        section, decisions, section.plan.project.required_approvals, open_comments
    )


def plan_statuses(plans) -> dict[int, str]:
    """{plan id: status} for many plans at once, in four queries whatever their number."""
    plans = list(plans)
    ids = [plan.pk for plan in plans]
    # Plain rows, not model instances: a list of plans reads thousands of them.
    sections = defaultdict(list)
    for section in Section.objects.filter(plan__in=ids).values_list(
        "pk", "plan_id", "version", "position", named=True
    ):
        sections[section.plan_id].append(section)
    decisions = defaultdict(list)
    for approval in (
        Approval.objects.filter(section__plan__in=ids)
        .order_by("created_at", "pk")
        .values_list("section_id", "reviewer_id", "decision", "version", named=True)
    ):
        decisions[approval.section_id].append(approval)
    slots = defaultdict(list)
    for slot in SignOffSlot.objects.filter(plan__in=ids).values_list(
        "pk", "plan_id", "assignee_id", named=True
    ):
        slots[slot.plan_id].append(slot)
    signoffs = defaultdict(list)
    signoff_plans = set()
    for signoff in (
        SignOff.objects.filter(slot__plan__in=ids)
        .order_by("created_at", "pk")
        .values_list("slot_id", "slot__plan_id", "user_id", "decision", "content_hash", named=True)
    ):
        signoffs[signoff.slot_id].append(signoff)
        signoff_plans.add(signoff.slot__plan_id)

    statuses = {}
    for plan in plans:
        plan_sections = sorted(sections[plan.pk], key=lambda s: s.position)
        required = plan.project.required_approvals
        reviews = [section_review(s, decisions.get(s.pk, []), required) for s in plan_sections]
        current_hash = content_hash(plan_sections)
        slot_reviews = [
            slot_review(slot, signoffs.get(slot.pk, []), current_hash) for slot in slots[plan.pk]
        ]
        activity = plan.pk in signoff_plans or any(decisions.get(s.pk) for s in plan_sections)
        statuses[plan.pk] = plan_status(reviews, slot_reviews, activity)
    return statuses
