"""The review requests' jobs (queued by events.py after the request commits): the reviewer is
told, the project's webhooks hear `review.requested`; the requester is told once their request
is done (checked after each decision, from tasks.decision_recorded)."""

from django.urls import reverse
from django_tasks import task

from planhub.notifications.models import Event, Notification
from planhub.notifications.notify import notify
from planhub.webhooks.events import WebhookEvent
from planhub.webhooks.publish import publish

from .models import ReviewRequest
from .requests import review_url
from .webhook_data import plan_data


def requests_url(plan) -> str:
    return reverse("review_requests", args=[plan.project.slug, plan.pk])


def due_line(request: ReviewRequest) -> str:
    if request.due is None:
        return "No due date."
    return f"Due {request.due:%A} {request.due.day} {request.due:%B %Y}."


@task()
def review_requested(request_ids: list[int]) -> None:
    requests = ReviewRequest.objects.filter(pk__in=request_ids, cancelled_at=None).select_related(
        "plan__project", "requested_by", "reviewer"
    )
    for request in requests:
        plan, by = request.plan, request.requested_by
        count = len(request.asked)
        already = Notification.objects.filter(
            event=Event.REVIEW_ASKED, recipient=request.reviewer, url__endswith=f"#rr-{request.pk}"
        ).exists()
        if already:  # the job ran before (a retry): told once
            continue
        notify(
            Event.REVIEW_ASKED,
            [request.reviewer],
            title=f"{by} asks you to review “{plan.title}”",
            detail="\n\n".join(
                part
                for part in (
                    request.message,
                    f"{count} section{'s' if count != 1 else ''} to review. {due_line(request)}",
                )
                if part
            ),
            url=f"{review_url(plan)}#rr-{request.pk}",
            actor=by,
            project=plan.project,
            plan=plan,
        )
        publish(
            plan.project,
            WebhookEvent.REVIEW_REQUESTED,
            {
                **plan_data(plan, by, title=f"Review of {plan.title}", url=requests_url(plan)),
                "reviewer": request.reviewer.username,
                "due": request.due.isoformat() if request.due else None,
                "message": request.message,
                "sections": count,
            },
        )


def tell_requests_done(plan, reviewer) -> None:
    """After `reviewer` decided on a section of `plan`: each of their open requests on it that
    is now done tells its requester, once."""
    requests = ReviewRequest.objects.filter(plan=plan, reviewer=reviewer, cancelled_at=None)
    progress = requests.progress()
    for request in requests.select_related("requested_by"):
        if not progress[request.pk].done:
            continue
        url = f"{requests_url(plan)}#rr-{request.pk}"
        if Notification.objects.filter(event=Event.REVIEW_REQUEST_DONE, url=url).exists():
            continue
        notify(
            Event.REVIEW_REQUEST_DONE,
            [request.requested_by_id],
            title=f"{reviewer} finished the review you asked for on “{plan.title}”",
            detail=f"Decided on all {progress[request.pk].asked} sections asked for.",
            url=url,
            actor=reviewer,
            project=plan.project,
            plan=plan,
        )
