"""The mails of notifications: one at once, or a digest; both with a plain-text and an HTML
part, absolute links (SITE_URL) and one-click unsubscribe links (RFC 8058 headers)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from planhub.accounts.models import Profile

from .grouping import group_by_plan
from .models import Event
from .unsubscribe import make_token


def absolute(path: str) -> str:
    return settings.SITE_URL + path if path.startswith("/") else path


def unsubscribe_url(user_id: int, events) -> str:
    return absolute(reverse("notification_unsubscribe", args=[make_token(user_id, events)]))


def list_headers(unsubscribe: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


def _render(name: str, context: dict) -> tuple[str, str]:
    context = {
        **context,
        "site_url": settings.SITE_URL,
        "inbox_url": absolute(reverse("notifications")),
        "preferences_url": absolute(reverse("notification_preferences")),
    }
    text = render_to_string(f"notifications/mail/{name}.txt", context)
    html = render_to_string(f"notifications/mail/{name}.html", context)
    return text, html


def actor_name(user) -> str:
    if user is None:
        return "PlanHub"
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.get_username()


def notification_mail(notification, user) -> dict:
    """queue_mail's arguments for one notification mailed at once."""
    event = Event(notification.event)
    unsubscribe = unsubscribe_url(user.pk, [event])
    text, html = _render(
        "notification",
        {
            "notification": notification,
            "actor": actor_name(notification.actor),
            "place_url": absolute(notification.url),
            "event_label": event.label,
            "unsubscribe_url": unsubscribe,
        },
    )
    return {
        "to": user.email,
        "subject": notification.title,
        "text": text,
        "html": html,
        "headers": list_headers(unsubscribe),
        "kind": f"notification:{event.value}",
    }


def digest_mail(user, notifications) -> dict:
    """queue_mail's arguments for a digest of `notifications` (newest first)."""
    zone = Profile.of(user).zone
    events = sorted({n.event for n in notifications})
    for notification in notifications:
        notification.local_time = notification.created_at.astimezone(zone)
        notification.place_url = absolute(notification.url)
        notification.actor_name = actor_name(notification.actor)
    unsubscribe = [
        {"label": Event(event).label, "url": unsubscribe_url(user.pk, [event])} for event in events
    ]
    count = len(notifications)
    text, html = _render(
        "digest",
        {"groups": group_by_plan(notifications), "count": count, "unsubscribe": unsubscribe},
    )
    return {
        "to": user.email,
        "subject": f"PlanHub digest: {count} notification{'s' if count != 1 else ''}",
        "text": text,
        "html": html,
        "headers": list_headers(unsubscribe_url(user.pk, events)),
        "kind": "notification:digest",
    }
