"""The dashboard's queue of review requests for one reviewer: grouped by plan, with the number
of sections that wait for them and the due date in their own words ("12 sections wait for you,
due Friday"), overdue first marked, sorted by due date (none last) then age; requests done or
cancelled, on archived plans, or in projects they left drop off. Three queries whatever the
number of requests."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone

from planhub.plans.models import Plan
from planhub.projects.models import Role

from .models import ReviewRequest, progress_of, zone_of
from .request_rules import due_wording


def review_url(plan) -> str:
    """Where a requested reviewer goes: the plan's review mode."""
    return reverse("plan_review", args=[plan.project.slug, plan.pk])


@dataclass
class QueuedPlan:
    plan: Plan
    requests: list[ReviewRequest] = field(default_factory=list)
    waiting_ids: set[int] = field(default_factory=set)  # sections asked for, not decided yet
    due: date | None = None  # the earliest due date of them
    asked_at: datetime | None = None  # the oldest request
    overdue: bool = False
    due_text: str = ""
    requested_by: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return review_url(self.plan)

    @property
    def waiting(self) -> int:
        return len(self.waiting_ids)

    @property
    def sort_key(self):
        return (self.due is None, self.due or date.max, self.asked_at)


def requests_waiting_for(user, limit: int = 20) -> list[QueuedPlan]:
    requests = list(
        ReviewRequest.objects.filter(
            reviewer=user,
            cancelled_at=None,
            plan__archived_at__isnull=True,
            # Still one who reviews there (a reviewer made viewer has nothing to decide).
            plan__project__memberships__user=user,
            plan__project__memberships__role__in=[Role.OWNER, Role.REVIEWER],
        )
        .select_related("plan__project", "requested_by", "reviewer__profile")
        .order_by("created_at", "pk")
    )
    progress = progress_of(requests)
    by_plan: dict[int, QueuedPlan] = {}
    for request in requests:
        judged = progress[request.pk]
        if not judged.open:
            continue
        queued = by_plan.setdefault(request.plan_id, QueuedPlan(plan=request.plan))
        queued.requests.append(request)
        queued.waiting_ids |= set(judged.waiting_ids)
        if request.due and (queued.due is None or request.due < queued.due):
            queued.due = request.due
        queued.asked_at = queued.asked_at or request.created_at
        queued.overdue = queued.overdue or judged.overdue
        if request.requested_by.username not in queued.requested_by:
            queued.requested_by.append(request.requested_by.username)
    queue = sorted(by_plan.values(), key=lambda q: q.sort_key)
    if queue:
        # The reviewer's "today" (their profile came with their requests).
        today = timezone.now().astimezone(zone_of(requests[0].reviewer)).date()
        for queued in queue:
            queued.due_text = due_wording(queued.due, today) if queued.due else ""
    return queue[:limit]
