"""After `notify` stores notifications: a mail now, a place in the next digest, or the inbox
only, as each recipient chose (Preference, DigestSchedule)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from planhub.accounts.models import Profile
from planhub.mail.outbox import queue_mail

from .mails import notification_mail
from .models import Delivery, DigestSchedule, Notification, Preference
from .schedule import next_digest_time
from .tasks import send_digest

# A digest scheduled this long ago that never went out (its job was removed): schedule anew.
STALE_SCHEDULE = timedelta(hours=2)


def deliver(notifications: list[Notification]) -> None:
    if not notifications:
        return
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in={n.recipient_id for n in notifications}, is_active=True)
        .exclude(email="")
    }
    chosen = Preference.deliveries(users)
    by_choice: dict[str, list[Notification]] = {Delivery.IMMEDIATELY: [], Delivery.DIGEST: []}
    for notification in notifications:
        if notification.recipient_id in users:
            choice = chosen[notification.recipient_id][notification.event]
            if choice in by_choice:
                by_choice[choice].append(notification)
    for notification in by_choice[Delivery.IMMEDIATELY]:
        queue_mail(**notification_mail(notification, users[notification.recipient_id]))
    now = timezone.now()
    Notification.objects.filter(pk__in=[n.pk for n in by_choice[Delivery.IMMEDIATELY]]).update(
        mail=Notification.Mail.IMMEDIATE, mailed_at=now
    )
    digest = by_choice[Delivery.DIGEST]
    Notification.objects.filter(pk__in=[n.pk for n in digest]).update(mail=Notification.Mail.DIGEST)
    for user_id in sorted({n.recipient_id for n in digest}):
        schedule_digest(users[user_id])


def schedule_digest(user, *, reschedule: bool = False) -> DigestSchedule:
    """Make sure ONE digest job waits for `user`, at their next digest time. With `reschedule`
    (their digest time changed) an already scheduled one moves: the old job, when it runs,
    finds the schedule no longer its own and does nothing."""
    schedule = DigestSchedule.of(user.pk)
    now = timezone.now()
    due = next_digest_time(now, Profile.of(user).zone, schedule.frequency, schedule.hour)
    stale = schedule.due_at is not None and schedule.due_at < now - STALE_SCHEDULE
    if stale or (reschedule and schedule.due_at is not None):
        DigestSchedule.objects.filter(pk=schedule.pk).update(due_at=None)
        schedule.due_at = None
    if schedule.reserve(due):
        send_digest.using(run_after=due).enqueue(user.pk)
    return schedule
