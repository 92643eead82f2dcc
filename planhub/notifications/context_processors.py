from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import unread_count


def unread_notifications(request: HttpRequest) -> dict:
    """The top bar's unread count: one indexed COUNT, and only if the page shows it (a lazy
    value: fragments that do not extend base.html pay nothing); zero for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user.pk))}
