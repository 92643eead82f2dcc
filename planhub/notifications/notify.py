"""How the rest of PlanHub tells people about things: `notify(...)`."""

from collections.abc import Iterable

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
    """Tell each of `recipients` (users or user ids) about `event`; never the actor themselves.

    Stored with the caller's transaction; mail follows each recipient's preferences."""
    recipient_ids = {getattr(user, "pk", user) for user in recipients}
    recipient_ids.discard(getattr(actor, "pk", None))
    return Notification.objects.bulk_create(
        Notification(
            recipient_id=recipient_id,
            event=Event(event),
            actor=actor,
            project=project,
            plan=plan,
            title=title[:300],
            detail=detail,
            url=url,
        )
        for recipient_id in sorted(recipient_ids)
    )
