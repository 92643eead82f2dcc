"""The review rules, as plain computations over records already read (no queries): the
statuses of a section, a sign-off slot and a plan, who may approve, and the content hash a
sign-off is tied to. `status.py` reads the records and asks these rules; so does
`SectionDecision.check_may_approve` before it records a decision."""

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models

from planhub.document.placeholders import section_placeholder_names
from planhub.projects.models import Role


class Decision(models.TextChoices):
    """A reviewer's decision on a section version. Its label and verbs are the one wording of
    it: the review bar, the activity list and the Markdown export read them from here."""

    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"

    @property
    def verb(self) -> str:
        """What the reviewer did: “approved”, “requested changes”."""
        return "approved" if self == Decision.APPROVED else "requested changes"

    @property
    def verb_on(self) -> str:
        """The verb before what it was on: “approved version 2”, “requested changes on …”."""
        return self.verb if self == Decision.APPROVED else f"{self.verb} on"


class SignOffDecision(models.TextChoices):
    SIGNED = "signed", "Signed off"
    DECLINED = "declined", "Declined"


# A status named after a decision takes the decision's value and label: one wording.
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
    section: "Section"  # noqa: F821 (a Section or a row of its values)
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
        section = self.section
        plan = section.plan
        return section_placeholder_names(
            section.heading, section.source, plan.placeholder_syntaxes, plan.references
        )

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


def judge_section(
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
    slot: "SignOffSlot"  # noqa: F821
    status: str
    latest: "SignOff | None"  # noqa: F821

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

    def can_be_decided_by(self, membership) -> bool:
        """Whether this member may sign off (or decline) the slot now: they are its assignee,
        they may review, and it is not signed off on the current content already."""
        return (
            membership is not None
            and membership.can_review
            and self.slot.assignee_id == membership.user_id
            and self.status != SlotStatus.SIGNED
        )

    def waits_for(self, user_id) -> bool:
        return self.slot.assignee_id == user_id and self.status in (
            SlotStatus.PENDING,
            SlotStatus.STALE,
        )


def judge_slot(slot, signoffs: list, current_hash: str) -> SlotReview:
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
    plan: "Plan"  # noqa: F821
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


def judge_plan(plan, sections, decisions, slots, signoffs, authors, open_threads) -> PlanReview:
    """A plan's review from its records, whatever they were read as (instances or rows):
    `sections` live and in order; the rest keyed by section or slot id."""
    rules = ReviewRules.of(plan.project)
    reviews = [
        judge_section(
            s,
            decisions.get(s.pk, ()),
            rules,
            open_threads.get(s.pk, 0),
            authors.get(s.pk, frozenset()),
        )
        for s in sections
    ]
    current_hash = content_hash(sections)
    slot_reviews = [judge_slot(slot, signoffs.get(slot.pk, []), current_hash) for slot in slots]
    activity = any(r.current or r.stale for r in reviews) or any(signoffs.get(s.pk) for s in slots)
    return PlanReview(
        plan=plan,
        sections=reviews,
        slots=slot_reviews,
        content_hash=current_hash,
        status=plan_status(reviews, slot_reviews, activity),
        rules=rules,
    )
