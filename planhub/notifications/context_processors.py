from django.db.models import BigIntegerField, Count, Q
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from planhub.lib.compiled_query import CompiledQuery, Param

from .models import Notification

# Every full page asks: its SQL is compiled once per process. Grouped on the recipient (one
# group, or no row when nothing is unread), on the index notification_unread.
UNREAD_COUNT = CompiledQuery(
    lambda: (
        Notification.objects.filter(
            recipient_id=Param("user_id", BigIntegerField()), read_at__isnull=True
        )
        .values("recipient_id")
        .annotate(count=Count("*"))
        .values_list("count")
    )
)


def unread_count(user_id: int) -> int:
    """What Notification.objects.unread_count(user) says, without compiling its SQL again."""
    row = UNREAD_COUNT.row(user_id=user_id)
    return 0 if row is None else row[0]


# The inbox's two counts (all, unread) in one query, compiled once per process: grouped on the
# recipient, no row when there is nothing at all.
INBOX_COUNTS = CompiledQuery(
    lambda: (
        Notification.objects.filter(recipient_id=Param("user_id", BigIntegerField()))
        .values("recipient_id")
        .annotate(total=Count("*"), unread=Count("pk", filter=Q(read_at__isnull=True)))
        .values_list("total", "unread")
    )
)


def inbox_counts(user_id: int) -> tuple[int, int]:
    """(notifications in all, unread ones) of the user."""
    row = INBOX_COUNTS.row(user_id=user_id)
    return (0, 0) if row is None else row


def unread_notifications(request: HttpRequest) -> dict:
    """The top bar's unread count: one indexed COUNT, and only if the page shows it (a lazy
    value: fragments that do not extend base.html pay nothing); zero for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user.pk))}
