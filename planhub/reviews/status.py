"""Review status, computed from the records (never stored): sections, sign-off slots, plan.

This module is the one place the status rules live. The plan page, its outline, the API, the
Markdown and PDF exports, the project's plan list, the dashboard and its queues all read their
answers from here (`review_plan`, `review_plans`, `plan_statuses`, and the queues in
`waiting.py`, which only narrow the candidates in SQL before asking these rules). The rules:

- A section is **approved** when at least the project's required number of reviewers approved
  its current version, nobody's latest decision on that version asks for changes, and (unless
  the project turned the gate off) it holds no unfilled placeholder; **changes requested** when
  someone's latest decision on the current version asks for changes; **stale** when it was
  approved on an earlier version (edited since); else **pending**.
- A sign-off slot is **signed** when its assignee's latest decision signed the plan's current
  content (content hash); **stale** when it signed earlier content; **declined** when the
  assignee declined the current content; **waiting** otherwise (a decline of earlier content
  waits for a new decision); **unassigned** without an assignee.
- A plan is **approved** when it has sections, every one is approved and every slot is signed;
  **in review** once any live section has a decision or any slot a sign-off; else **draft**.
- Only live sections count: decisions on a deleted section come back with it when restored.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.db.models import Count, F

from planhub.plans.models import Plan, Section, SectionRevision
from planhub.plans.placeholders import section_placeholder_names
from planhub.projects.models import Role

from .models import Approval, Comment, Decision, SignOff, SignOffDecision, SignOffSlot


# A status named after a decision takes the decision's value and label (models.py): one wording.
class SectionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = Decision.APPROVED.value, Decision.APPROVED.label
    CHANGES_REQUESTED = Decision.CHANGES_REQUESTED.value, Decision.CHANGES_REQUESTED.label
    STALE = "stale", "Stale"


class SlotStatus(models.TextChoices):
    UNASSIGNED = "unassigned", "Unassigned"
    PENDING = "pending", "Waiting"
    SIGNED = SignOffDecision.SIGNED.value, SignOffDecision.SIGNED.label
    DECLINED = SignOffDecision.DECLINED.value, SignOffDecision.DECLINED.label
    STALE = "stale", "Stale"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"


def content_hash(sections) -> str:
    """What a sign-off is tied to: every live section (in order) at its current version."""
    state = ",".join(f"{s.pk}:{s.version}" for s in sections)
    return hashlib.sha256(state.encode()).hexdigest()


@dataclass(frozen=True)
class ReviewRules:
    """A project's settings that decide status and who may approve."""

    required_approvals: int = 1
    allow_self_approval: bool = False
    placeholders_block_approval: bool = True

    @classmethod
    def of(cls, project) -> "ReviewRules":
        return cls(
            required_approvals=project.required_approvals,
            allow_self_approval=project.allow_self_approval,
            placeholders_block_approval=project.placeholders_block_approval,
        )


# Why a reviewer may not approve a section.
APPROVAL_REFUSED_PLACEHOLDERS = "placeholders"
APPROVAL_REFUSED_SELF = "self"


@dataclass
class SectionReview:
    section: Section
    status: str
    current: list  # each reviewer's latest decision on the current version
    stale: list  # earlier-version decisions of reviewers silent on this one
    approved_count: int
    open_comments: int
    rules: ReviewRules
    # Who wrote the current version (user ids); empty for a template's or an import's text.
    authors: frozenset = frozenset()

    @property
    def status_label(self) -> str:
        return SectionStatus(self.status).label

    @property
    def placeholders(self) -> int:
        return self.section.placeholder_count

    @cached_property
    def placeholder_names(self) -> list[str]:
        """The spots left to fill, each once, as written (“[Feature Name]”)."""
        return section_placeholder_names(self.section.heading, self.section.source)

    @property
    def approval_blocked(self) -> bool:
        """Nobody may approve it while placeholders are left (unless the project allows)."""
        return self.rules.placeholders_block_approval and self.placeholders > 0

    def written_by(self, user_id) -> bool:
        return user_id in self.authors

    def refusal(self, user_id) -> str | None:
        """Why this reviewer may not approve the current version (their role aside), or None."""
        if self.approval_blocked:
            return APPROVAL_REFUSED_PLACEHOLDERS
        if not self.rules.allow_self_approval and self.written_by(user_id):
            return APPROVAL_REFUSED_SELF
        return None

    def may_approve(self, user_id) -> bool:
        return self.refusal(user_id) is None

    def decided_by(self, user_id) -> bool:
        return any(a.reviewer_id == user_id for a in self.current)

    def approved_by(self, user_id) -> bool:
        return any(
            a.reviewer_id == user_id and a.decision == Decision.APPROVED for a in self.current
        )

    def waits_for(self, user_id) -> bool:
        """Whether the section waits for this reviewer: not approved, no decision of theirs on
        this version, and they may approve it."""
        return (
            self.status != SectionStatus.APPROVED
            and not self.decided_by(user_id)
            and self.may_approve(user_id)
        )


def section_review(
    section, decisions, rules: ReviewRules, open_comments: int = 0, authors=frozenset()
) -> SectionReview:
    """`section` needs pk, version and placeholder_count; `decisions`: its approvals, oldest
    first."""
    latest_current: dict = {}
    latest_earlier: dict = {}
    for approval in decisions:
        target = latest_current if approval.version == section.version else latest_earlier
        target[approval.reviewer_id] = approval
    current = list(latest_current.values())
    stale = [a for r, a in latest_earlier.items() if r not in latest_current]
    approved = sum(a.decision == Decision.APPROVED for a in current)
    blocked = rules.placeholders_block_approval and section.placeholder_count > 0
    if any(a.decision == Decision.CHANGES_REQUESTED for a in current):
        status = SectionStatus.CHANGES_REQUESTED
    elif approved >= rules.required_approvals and not blocked:
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
        rules=rules,
        authors=frozenset(authors),
    )


@dataclass
class SlotReview:
    slot: SignOffSlot
    status: str
    latest: SignOff | None

    @property
    def status_label(self) -> str:
        return SlotStatus(self.status).label

    @property
    def declined_earlier(self) -> bool:
        """Declined, but on content that changed since: it waits for a new decision."""
        return (
            self.status == SlotStatus.PENDING
            and self.latest is not None
            and self.latest.decision == SignOffDecision.DECLINED
        )

    def waits_for(self, user_id) -> bool:
        return self.slot.assignee_id == user_id and self.status in (
            SlotStatus.PENDING,
            SlotStatus.STALE,
        )

    def can_be_decided_by(self, membership) -> bool:
        """Whether this member may sign off (or decline) the slot now: they are its assignee,
        they may review, and it is not signed off on the current content already."""
        return (
            membership is not None
            and membership.can_review
            and self.slot.assignee_id == membership.user_id
            and self.status != SlotStatus.SIGNED
        )


def slot_review(slot, signoffs: list, current_hash: str) -> SlotReview:
    """`signoffs`: the slot's decisions, oldest first; the latest by its assignee counts."""
    mine = [s for s in signoffs if s.user_id == slot.assignee_id]
    latest = mine[-1] if mine else None
    if slot.assignee_id is None:
        status = SlotStatus.UNASSIGNED
    elif latest is None:
        status = SlotStatus.PENDING
    elif latest.content_hash != current_hash:
        signed = latest.decision == SignOffDecision.SIGNED
        status = SlotStatus.STALE if signed else SlotStatus.PENDING
    elif latest.decision == SignOffDecision.DECLINED:
        status = SlotStatus.DECLINED
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
    rules: ReviewRules = field(default_factory=ReviewRules)
    by_section: dict[int, SectionReview] = field(default_factory=dict)

    def __post_init__(self):
        if not self.by_section:
            self.by_section = {r.section.pk: r for r in self.sections}

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

    @property
    def approved_with_placeholders(self) -> bool:
        """Approved while the project lets placeholders through: exports say so."""
        return self.status == PlanStatus.APPROVED and self.placeholders > 0

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


def assemble(plan, sections, decisions, slots, signoffs, authors, open_threads) -> PlanReview:
    """A plan's review from its records, whatever they were read as (instances or rows):
    `sections` live and in order; the rest keyed by section or slot id."""
    rules = ReviewRules.of(plan.project)
    reviews = [
        section_review(
            s,
            decisions.get(s.pk, ()),
            rules,
            open_threads.get(s.pk, 0),
            authors.get(s.pk, frozenset()),
        )
        for s in sections
    ]
    current_hash = content_hash(sections)
    slot_reviews = [slot_review(slot, signoffs.get(slot.pk, []), current_hash) for slot in slots]
    activity = any(r.current or r.stale for r in reviews) or any(signoffs.get(s.pk) for s in slots)
    return PlanReview(
        plan=plan,
        sections=reviews,
        slots=slot_reviews,
        content_hash=current_hash,
        status=plan_status(reviews, slot_reviews, activity),
        rules=rules,
    )


def current_authors(sections) -> dict[int, frozenset]:
    """{section id: ids of the users who wrote its current version}, in one query; `sections`
    is a queryset of sections or a list of their ids."""
    authors = defaultdict(set)
    rows = SectionRevision.authors.through.objects.filter(
        sectionrevision__section__in=sections,
        sectionrevision__version=F("sectionrevision__section__version"),
    ).values_list("sectionrevision__section_id", "user_id")
    for section_id, user_id in rows:
        authors[section_id].add(user_id)
    return {section_id: frozenset(users) for section_id, users in authors.items()}


# What a review bar shows of an approval (not the reviewer's whole user row).
APPROVAL_FIELDS = ("section_id", "reviewer_id", "decision", "version", "comment", "created_at")


def review_plan(plan: Plan, sections: list[Section] | None = None) -> PlanReview:
    """The whole review state of `plan`, as its page shows it, in six queries (five when
    `sections` are given), whatever the number of sections."""
    if sections is None:
        sections = list(plan.sections.all())
    live = Section.objects.filter(plan=plan).values("pk")
    decisions = defaultdict(list)
    approvals = Approval.objects.filter(section__in=live).select_related("reviewer")
    for approval in approvals.only(*APPROVAL_FIELDS, "reviewer__username"):
        decisions[approval.section_id].append(approval)
    open_threads = dict(
        Comment.objects.filter(section__in=live, parent=None, resolved_at=None)
        .values_list("section")
        .annotate(n=Count("pk"))
    )
    slots = list(plan.signoff_slots.select_related("assignee"))
    signoffs = defaultdict(list)
    for signoff in SignOff.objects.filter(slot__plan=plan).select_related("user"):
        signoffs[signoff.slot_id].append(signoff)
    return assemble(plan, sections, decisions, slots, signoffs, current_authors(live), open_threads)


def review_section(section: Section) -> SectionReview:
    """One section's review state (after a save or a review on it): three queries."""
    decisions = list(section.approvals.select_related("reviewer"))
    open_comments = section.comments.filter(parent=None, resolved_at=None).count()
    authors = current_authors([section.pk]).get(section.pk, frozenset())
    rules = ReviewRules.of(section.plan.project)
    return section_review(section, decisions, rules, open_comments, authors)


def decision_rows(sections) -> dict[int, list]:
    """{section id: its decisions as plain rows, oldest first}; `sections` a queryset of
    section ids or a list of them."""
    decisions = defaultdict(list)
    for approval in (
        Approval.objects.filter(section__in=sections)
        .order_by("created_at", "pk")
        .values_list("section_id", "reviewer_id", "decision", "version", named=True)
    ):
        decisions[approval.section_id].append(approval)
    return decisions


def review_sections(sections) -> dict[int, SectionReview]:
    """{section id: SectionReview} for sections of any plans (each with `plan.project`
    loaded), in two queries; comments are not counted."""
    ids = [s.pk for s in sections]
    if not ids:
        return {}
    decisions = decision_rows(ids)
    authors = current_authors(ids)
    return {
        s.pk: section_review(
            s, decisions[s.pk], ReviewRules.of(s.plan.project), 0, authors.get(s.pk, frozenset())
        )
        for s in sections
    }


def review_plans(plans) -> dict[int, PlanReview]:
    """{plan id: PlanReview} for many plans at once, from plain rows (lists read thousands),
    in four queries whatever their number. Comments and authors are not read (lists show
    statuses, not who may approve)."""
    plans = list(plans)
    if not plans:
        return {}
    ids = [plan.pk for plan in plans]
    sections = defaultdict(list)
    for section in (
        Section.objects.filter(plan__in=ids)
        .order_by("plan", "position", "pk")
        .values_list("pk", "plan_id", "version", "position", "placeholder_count", named=True)
    ):
        sections[section.plan_id].append(section)
    decisions = decision_rows(Section.objects.filter(plan__in=ids).values("pk"))
    slots = defaultdict(list)
    for slot in SignOffSlot.objects.filter(plan__in=ids).values_list(
        "pk", "plan_id", "assignee_id", named=True
    ):
        slots[slot.plan_id].append(slot)
    signoffs = defaultdict(list)
    for signoff in (
        SignOff.objects.filter(slot__plan__in=ids)
        .order_by("created_at", "pk")
        .values_list("slot_id", "user_id", "decision", "content_hash", named=True)
    ):
        signoffs[signoff.slot_id].append(signoff)
    return {
        plan.pk: assemble(plan, sections[plan.pk], decisions, slots[plan.pk], signoffs, {}, {})
        for plan in plans
    }


def plan_statuses(plans) -> dict[int, str]:
    """{plan id: status} for many plans at once (the lists' badges)."""
    return {pk: review.status for pk, review in review_plans(plans).items()}
