from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import BigIntegerField, Count, Q
from django.utils import timezone

from planhub.lib.compiled_query import CompiledQuery, Param


class Event(models.TextChoices):
    """What a person can be told about (and choose how: immediately, in a digest, never)."""

    REVIEW_REQUESTED = "review_requested", "A review is requested of me"
    CHANGES_REQUESTED = "changes_requested", "Changes are requested on a section I wrote"
    APPROVAL_STALE = "approval_stale", "A section I approved changed"
    SIGNOFF_ASSIGNED = "signoff_assigned", "A sign-off is assigned to me"
    SIGNOFF_DECLINED = "signoff_declined", "A sign-off on a plan I own was declined"
    SIGNOFF_STALE = "signoff_stale", "A plan I signed off changed"
    COMMENT_REPLY = "comment_reply", "Someone replied to my comment"
    MENTION = "mention", "Someone mentioned me"
    PLAN_APPROVED = "plan_approved", "A plan I own was approved"
    INVITATION_ACCEPTED = "invitation_accepted", "Someone accepted my invitation"
    REVIEW_ASKED = "review_asked", "Someone asks me by name to review a plan"
    REVIEW_REQUEST_DONE = "review_request_done", "A review I asked for is done"


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DIGEST = "digest", "In a digest"
    NEVER = "never", "Never (inbox only)"


# Until a person chooses: what asks something of them by mail at once, the rest in the digest.
DEFAULT_DELIVERY = {
    Event.REVIEW_REQUESTED: Delivery.IMMEDIATELY,
    Event.CHANGES_REQUESTED: Delivery.IMMEDIATELY,
    Event.SIGNOFF_ASSIGNED: Delivery.IMMEDIATELY,
    Event.MENTION: Delivery.IMMEDIATELY,
    Event.APPROVAL_STALE: Delivery.DIGEST,
    Event.SIGNOFF_DECLINED: Delivery.DIGEST,
    Event.SIGNOFF_STALE: Delivery.DIGEST,
    Event.COMMENT_REPLY: Delivery.DIGEST,
    Event.PLAN_APPROVED: Delivery.DIGEST,
    Event.INVITATION_ACCEPTED: Delivery.DIGEST,
    Event.REVIEW_ASKED: Delivery.IMMEDIATELY,
    Event.REVIEW_REQUEST_DONE: Delivery.DIGEST,
}


class NotificationQuerySet(models.QuerySet):
    def mark_read(self) -> int:
        return self.filter(read_at__isnull=True).update(read_at=timezone.now())


class Notification(models.Model):
    """One thing one person is told about, in the inbox (and by mail, as they chose)."""

    class Mail(models.TextChoices):
        NONE = "none", "Inbox only"
        IMMEDIATE = "immediate", "Mailed at once"
        DIGEST = "digest", "In the digest"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    url = models.CharField(max_length=500, help_text="The place it is about (a path).")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    mail = models.CharField(max_length=10, choices=Mail.choices, default=Mail.NONE)
    mailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The top bar's unread count.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The inbox, newest first.
            models.Index(fields=["recipient", "created_at"], name="notification_inbox"),
            # A person's digest: what waits to be mailed.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(mail="digest", mailed_at__isnull=True),
                name="notification_digest_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"

    def mark_read(self) -> None:
        if self.read_at is None:
            self.read_at = timezone.now()
            Notification.objects.filter(pk=self.pk, read_at__isnull=True).update(
                read_at=self.read_at
            )


class Preference(models.Model):
    """How one person wants to hear about one kind of event (no row: DEFAULT_DELIVERY)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="preference_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.event} → {self.delivery}"

    @classmethod
    def deliveries(cls, user_ids) -> dict[int, dict[str, str]]:
        """Each person's choice per event, defaults filled in (one query)."""
        chosen = {user_id: {**DEFAULT_DELIVERY} for user_id in user_ids}
        rows = cls.objects.filter(user_id__in=chosen).values_list("user_id", "event", "delivery")
        for user_id, event, delivery in rows:
            chosen[user_id][event] = delivery
        return chosen

    @classmethod
    def choose(cls, user, choices: dict[str, str]) -> None:
        for event, delivery in choices.items():
            cls.objects.update_or_create(user=user, event=event, defaults={"delivery": delivery})


class DigestSchedule(models.Model):
    """When one person's digest goes out, and whether one is already scheduled."""

    class Frequency(models.TextChoices):
        HOURLY = "hourly", "Hourly"
        DAILY = "daily", "Daily"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_schedule"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default="daily")
    hour = models.PositiveSmallIntegerField(
        default=8, help_text="For a daily digest: the hour (0–23) in the person's time zone."
    )
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the scheduled digest goes out (none scheduled)."
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.frequency} digest"

    @classmethod
    def of(cls, user_id: int) -> "DigestSchedule":
        schedule, _ = cls.objects.get_or_create(user_id=user_id)
        return schedule

    def reserve(self, due: datetime) -> bool:
        """Take the one digest slot for `due`, unless a digest is already scheduled (a
        conditional UPDATE: of thirty notifications at once, only the first schedules)."""
        taken = DigestSchedule.objects.filter(pk=self.pk, due_at__isnull=True).update(due_at=due)
        if taken:
            self.due_at = due
        return bool(taken)


# Every full page asks (the top bar): its SQL is compiled once per process. Grouped on the
# recipient (one group, or no row when nothing is unread), on the index notification_unread.
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
    """How many of this person's notifications are unread."""
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
