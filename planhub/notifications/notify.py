"""How the rest of PlanHub tells people about things: `notify(...)`."""

from collections.abc import Iterable

from planhub.projects.models import Membership

from .delivery import deliver
from .models import Event, Notification


def notify(
    event: Event | str,
    recipients: Iterable,
    *,
    title: str,
    url: str,
    actor=None,
    project=None,
    plan=None,
    detail: str = "",
) -> list[Notification]:
    """Tell each of `recipients` (users or user ids) about `event`; never the actor themselves,
    and about a project, only its members.

    Stored with the caller's transaction; mail follows each recipient's preferences (at once,
    in their next digest, or none), queued in the same transaction and sent by the worker."""
    recipient_ids = {getattr(user, "pk", user) for user in recipients}
    recipient_ids.discard(getattr(actor, "pk", None))
    if project is None and plan is not None:
        project = plan.project
    if project is not None:
        # Only the project's members hear about it: someone removed since the event (the
        # worker tells people a moment later) learns nothing more of its plans.
        recipient_ids &= set(
            Membership.objects.filter(project=project, user__in=recipient_ids).values_list(
                "user", flat=True
            )
        )
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient_id=recipient_id,
            event=Event(event),
            actor=actor,
            project=project,
            plan=plan,
            title=" ".join(title.split())[:300],
            detail=detail,
            url=url,
        )
        for recipient_id in sorted(recipient_ids)
    )
    deliver(notifications)
    return notifications
