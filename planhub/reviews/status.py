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

from collections import defaultdict

from django.db.models import BigIntegerField, Case, Count, F, IntegerField, Value, When, Window
from django.db.models.functions import RowNumber

from planhub.lib.compiled_query import CompiledQuery, Param
from planhub.plans.models import Plan, Section, SignOffSlot, current_authors, section_writers

from .models import Comment, SectionDecision, SignOff
from .rules import (
    PlanReview,
    PlanStatus,
    ReviewRules,
    SectionReview,
    SlotReview,
    content_hash,
    judge_plan,
    judge_section,
    judge_slot,
)

# What a review bar shows of an approval (not the reviewer's whole user row).
APPROVAL_FIELDS = ("section_id", "reviewer_id", "decision", "version", "comment", "created_at")


def shown_decisions(decisions, current_version=None):
    """Of a queryset of decisions, only those a review can show: each reviewer's latest on
    the section's current version (`current_version`, else the section row's) and their latest
    on an earlier one. judge_section reads no other, so a section decided on a thousand times
    still costs a few rows (the window runs in SQL, oldest first as judge_section expects)."""
    current = F("section__version") if current_version is None else Value(current_version)
    on_current = Case(When(version=current, then=Value(True)), default=Value(False))
    latest_first = Window(
        RowNumber(),
        partition_by=[F("section_id"), F("reviewer_id"), on_current],
        order_by=[F("created_at").desc(), F("pk").desc()],
    )
    return decisions.annotate(latest_rank=latest_first).filter(latest_rank=1)


def review_plan(plan: Plan, sections: list[Section] | None = None) -> PlanReview:
    """The whole review state of `plan`, as its page shows it, in six queries (five when
    `sections` are given), whatever the number of sections."""
    if sections is None:
        sections = list(plan.sections.all())
    live = Section.objects.filter(plan=plan).values("pk")
    decisions = defaultdict(list)
    approvals = shown_decisions(SectionDecision.objects.filter(section__in=live))
    approvals = approvals.select_related("reviewer")
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
    return judge_plan(
        plan, sections, decisions, slots, signoffs, current_authors(live), open_threads
    )


# A section shown alone (after every save and every review): its decisions and its open
# threads, two queries of a fixed shape compiled once per process.
SECTION_DECISIONS = CompiledQuery(
    lambda: (
        shown_decisions(
            SectionDecision.objects.filter(section_id=Param("section_id", BigIntegerField())),
            Param("version", IntegerField()),
        )
        .select_related("reviewer")
        .only(*APPROVAL_FIELDS, "reviewer__username")
    )
)
OPEN_THREADS = CompiledQuery(
    lambda: (
        Comment.objects.filter(
            section_id=Param("section_id", BigIntegerField()), parent=None, resolved_at=None
        )
        .order_by()
        .values("section_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    )
)


def review_section(section: Section) -> SectionReview:
    """One section's review state (after a save or a review on it): three queries, two when
    the object knows who wrote its current version (`current_writers`: it just wrote it, or
    an approval just checked them)."""
    decisions = SECTION_DECISIONS.all(section_id=section.pk, version=section.version)
    open_comments = (OPEN_THREADS.row(section_id=section.pk) or (0,))[0]
    authors = getattr(section, "current_writers", None)
    if authors is None:
        authors = section_writers(section.pk)
    rules = ReviewRules.of(section.plan.project)
    return judge_section(section, decisions, rules, open_comments, authors)


def decision_rows(sections) -> dict[int, list]:
    """{section id: its decisions as plain rows, oldest first}; `sections` a queryset of
    section ids or a list of them."""
    decisions = defaultdict(list)
    for approval in (
        SectionDecision.objects.filter(section__in=sections)
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
        s.pk: judge_section(
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
        plan.pk: judge_plan(plan, sections[plan.pk], decisions, slots[plan.pk], signoffs, {}, {})
        for plan in plans
    }


def slot_reviews(slots) -> dict[int, SlotReview]:
    """{slot id: SlotReview} for sign-off slots of any plans (the dashboard's queue), in two
    queries: a slot's status needs only its plan's content hash (the live sections' ids and
    versions, read as in review_plans) and its sign-offs, not the sections' decisions, so
    hundreds of plans cost a few thousand small rows instead of their whole review."""
    slots = list(slots)
    if not slots:
        return {}
    plan_ids = {slot.plan_id for slot in slots}
    sections = defaultdict(list)
    for section in (
        Section.objects.filter(plan__in=plan_ids)
        .order_by("plan", "position", "pk")
        .values_list("pk", "plan_id", "version", named=True)
    ):
        sections[section.plan_id].append(section)
    hashes = {plan_id: content_hash(sections[plan_id]) for plan_id in plan_ids}
    signoffs = defaultdict(list)
    for signoff in (
        SignOff.objects.filter(slot__in=[slot.pk for slot in slots])
        .order_by("created_at", "pk")
        .values_list("slot_id", "user_id", "decision", "content_hash", named=True)
    ):
        signoffs[signoff.slot_id].append(signoff)
    return {slot.pk: judge_slot(slot, signoffs[slot.pk], hashes[slot.plan_id]) for slot in slots}


def plan_statuses(plans) -> dict[int, str]:
    """{plan id: status} for many plans at once (the lists' badges)."""
    return {pk: review.status for pk, review in review_plans(plans).items()}


def with_statuses(plans) -> list:
    """`plans` as a list, each with `status` (a PlanStatus) for the lists' badges."""
    plans = list(plans)
    statuses = plan_statuses(plans)
    for plan in plans:
        plan.status = PlanStatus(statuses[plan.pk])
    return plans
