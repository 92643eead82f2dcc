"""One-click unsubscribe links: a signed token naming a person and event types, good without
logging in (RFC 8058: the mail client POSTs to it with no cookie)."""

from django.contrib.auth import get_user_model
from django.core import signing

from .models import Event

SALT = "planhub.notifications.unsubscribe"


class InvalidLink(Exception):
    pass


def make_token(user_id: int, events) -> str:
    return signing.dumps({"u": user_id, "e": sorted({str(e) for e in events})}, salt=SALT)


def read_token(token: str):
    """The person and the event types a token names; InvalidLink if it is not one of ours."""
    try:
        data = signing.loads(token, salt=SALT)
        user_id, events = data["u"], data["e"]
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        raise InvalidLink(
            "This unsubscribe link is not valid (it may have been cut short)."
        ) from None
    if not isinstance(events, list) or not events or not set(events) <= set(Event.values):
        raise InvalidLink("This unsubscribe link is not valid.")
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidLink("This unsubscribe link belongs to an account that no longer exists.")
    return user, [Event(event) for event in events]
