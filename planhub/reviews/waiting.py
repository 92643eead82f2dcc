"""The dashboard's review queues for one user.

Each queue narrows its candidates in SQL by the facts that can be read from single rows
(membership, archived plans, deleted sections, "has a decision of mine on this version"), and
then asks the status rules in `status.py` — the same code the plan page, the API and the
exports use — which of them really wait. So the dashboard can never disagree with a plan page.
"""

from django.contrib.postgres.aggregates import StringAgg
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat

from planhub.plans.models import Plan, Section, SectionRevision, SignOffSlot
from planhub.projects.models import Membership, Role

from .models import Decision, SectionDecision, SignOff
from .status import review_plans, review_sections, slot_reviews

# Sections judged per round while filling the "waiting for my review" list.
CANDIDATE_BATCH = 200


def sections_waiting_for(user, limit: int = 20, reviewing=None) -> list[Section]:
    """Sections in active plans of projects where `user` reviews that wait for their decision
    (SectionReview.waits_for), newest first. `reviewing`: the ids of those projects, when the
    caller has read them (none: nothing to walk)."""
    if reviewing is None:
        reviewing = Membership.objects.filter(
            user=user, role__in=[Role.OWNER, Role.REVIEWER]
        ).values("project")
    elif not reviewing:
        return []  # the walk below would read every section of every project to find none
    mine_on_current = SectionDecision.objects.filter(
        section=OuterRef("pk"), reviewer=user, version=OuterRef("version")
    )
    written_by_me = SectionRevision.objects.filter(
        section=OuterRef("pk"), version=OuterRef("version"), authors=user
    )
    candidates = (
        Section.objects.filter(plan__project__in=reviewing, plan__archived_at__isnull=True)
        .exclude(Exists(mine_on_current))
        # Facts the rules would refuse anyway, read here so that a queue of sections nobody
        # may approve yet (fresh templates, full of placeholders) costs no more than a page.
        .exclude(Q(placeholder_count__gt=0) & Q(plan__project__placeholders_block_approval=True))
        .exclude(Exists(written_by_me) & Q(plan__project__allow_self_approval=False))
        .select_related("plan__project", "updated_by")
        .only(*WAITING_SECTION_FIELDS)
        .order_by("-updated_at", "-pk")
    )
    waiting: list[Section] = []
    while len(waiting) < limit:
        # A LIMIT per round, continued after the last row read (keyset): the database walks
        # the newest sections (index section_recent) and stops, instead of sorting every
        # section of the user's projects before the first row (a server-side cursor did).
        batch = list(candidates[:CANDIDATE_BATCH])
        if not batch:
            break
        reviews = review_sections(batch)
        waiting += [section for section in batch if reviews[section.pk].waits_for(user.pk)]
        if len(batch) < CANDIDATE_BATCH:
            break
        last = batch[-1]
        candidates = candidates.filter(
            Q(updated_at__lt=last.updated_at) | Q(updated_at=last.updated_at, pk__lt=last.pk)
        )
    return waiting[:limit]


# What the dashboard shows of a waiting section (and the rules need of its plan's project).
WAITING_SECTION_FIELDS = (
    "heading",
    "heading_html",  # the plain heading the dashboard shows
    "version",
    "placeholder_count",
    "updated_at",
    "plan__title",
    "plan__project__slug",
    "plan__project__name",
    "plan__project__required_approvals",
    "plan__project__allow_self_approval",
    "plan__project__placeholders_block_approval",
    "updated_by__username",
)


def signoffs_waiting_for(user, limit: int = 20) -> list[SignOffSlot]:
    """Sign-off slots assigned to `user` in active plans that wait for their decision (never
    decided, or signed on content that changed since: SlotReview.waits_for), newest first.
    Whether a slot waits depends on its plan's content hash, which is not stored: PostgreSQL
    computes it per candidate (current_hash_sql) and leaves out the slots decided on the current
    content, so only the first `limit` are read and judged; elsewhere every assigned slot is
    judged (slot_reviews reads only what a slot's status needs)."""
    slots = (
        SignOffSlot.objects.filter(
            assignee=user, plan__project__memberships__user=user, plan__archived_at__isnull=True
        )
        .select_related("plan__project")
        .order_by("-plan__updated_at", "position", "pk")
    )
    if connection.vendor == "postgresql":
        narrowed = list(_undecided_on_current_content(slots)[:limit])
        reviews = slot_reviews(narrowed)
        waiting = [slot for slot in narrowed if reviews[slot.pk].waits_for(user.pk)]
        # The rules have the last word: should SQL ever keep a slot they say does not wait,
        # the list would come up short, so judge them all instead.
        if len(waiting) == len(narrowed):
            return waiting
    slots = list(slots)
    reviews = slot_reviews(slots)
    return [slot for slot in slots if reviews[slot.pk].waits_for(user.pk)][:limit]


def current_hash_sql():
    """PostgreSQL: the content hash of the plan of the row (rules.content_hash: sha256 of
    "id:version" of its live sections in order, joined by commas), as SQL."""
    state = (
        Section.objects.filter(plan=OuterRef("plan"))
        .order_by()
        .values("plan")
        .annotate(
            state=StringAgg(
                Concat(
                    Cast("pk", TextField()),
                    Value(":"),
                    Cast("version", TextField()),
                    output_field=TextField(),
                ),
                delimiter=",",
                order_by=("position", "pk"),
            )
        )
        .values("state")
    )
    text = Coalesce(Subquery(state, output_field=TextField()), Value(""), output_field=TextField())
    digest = Func(Func(text, Value("UTF8"), function="convert_to"), function="sha256")
    return Func(digest, Value("hex"), function="encode", output_field=CharField())


def _undecided_on_current_content(slots):
    """`slots` without those whose assignee's latest decision (signed or declined) is on the
    plan's current content: neither waits (SlotReview.waits_for)."""
    latest = SignOff.objects.filter(slot=OuterRef("pk"), user=OuterRef("assignee")).order_by(
        "-created_at", "-pk"
    )
    return (
        slots.annotate(
            current_hash=current_hash_sql(),
            latest_hash=Subquery(latest.values("content_hash")[:1]),
        )
        .annotate(
            # No decision yet: NULL, not equal, kept.
            decided_now=Case(
                When(latest_hash=F("current_hash"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .filter(decided_now=False)
    )


def my_plans_with_changes_requested(user, limit: int = 20) -> list[Plan]:
    """Active plans `user` created or wrote in where a section's status is “changes
    requested”, most recently changed first."""
    wrote = SectionRevision.objects.filter(section__plan=OuterRef("pk"), authors=user)
    plans = (
        Plan.objects.active()
        .filter(project__memberships__user=user)
        .filter(Q(created_by=user) | Exists(wrote))
        .select_related("project")
        .order_by("-updated_at", "-pk")
    )

    def waiting(batch: list[Plan]) -> list[Plan]:
        # Asked of this round's plans only: as a filter of the query above, PostgreSQL
        # joined every change request of every plan to keep the 25 newest (0.3 s at 10x).
        asked = set(
            SectionDecision.objects.filter(
                section__plan__in=[plan.pk for plan in batch],
                section__deleted_at__isnull=True,
                decision=Decision.CHANGES_REQUESTED,
                version=F("section__version"),
            ).values_list("section__plan_id", flat=True)
        )
        batch = [plan for plan in batch if plan.pk in asked]
        reviews = review_plans(batch)
        return [plan for plan in batch if reviews[plan.pk].changes_requested]

    return _first(plans, waiting, limit)


# Plans judged per round by the "changes requested" queue: the status rules read every section
# of a candidate's plan, so a round is a few plans, not the user's whole history. The SQL
# filter (a change request on a section's current version) is nearly the rule itself, so the
# first round almost always fills the list: one round, whatever the number of plans.
PLAN_BATCH = 25


def _first(candidates, keep, limit: int, batch: int | None = None) -> list:
    """The first `limit` of `candidates` (an ordered queryset) that `keep` (a function of a
    list of them, answering those it keeps, in order) keeps, read `batch` rows at a time
    (LIMIT/OFFSET: no server-side cursor, the same SQL on every database), so the work stays
    flat however many older candidates there are."""
    batch = batch or PLAN_BATCH
    found: list = []
    start = 0
    while len(found) < limit:
        rows = list(candidates[start : start + batch])
        found += keep(rows) if rows else []
        if len(rows) < batch:
            break
        start += batch
    return found[:limit]


__all__ = [
    "my_plans_with_changes_requested",
    "sections_waiting_for",
    "signoffs_waiting_for",
]
