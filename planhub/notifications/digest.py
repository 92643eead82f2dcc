"""The digest job's work: one mail listing what waits for a person (see tasks.py)."""

from django.db import transaction
from django.utils import timezone

from planhub.mail.outbox import queue_mail

from .mails import digest_mail
from .models import DigestSchedule, Notification


def send_due_digest(user_id: int) -> int:
    """The digest job: mail what waits for the person, if this job is still the scheduled one.
    Returns how many notifications the mail lists."""
    now = timezone.now()
    with transaction.atomic():
        schedule = DigestSchedule.objects.select_for_update().filter(user_id=user_id).first()
        if schedule is None or schedule.due_at is None or schedule.due_at > now:
            return 0  # sent already, or moved to a later time by a newer job
        schedule.due_at = None
        schedule.save(update_fields=["due_at"])
        waiting = Notification.objects.filter(
            recipient_id=user_id, mail=Notification.Mail.DIGEST, mailed_at__isnull=True
        )
        # What was read in the inbox meanwhile is not mailed again.
        items = list(
            waiting.filter(read_at__isnull=True).select_related(
                "plan", "project", "actor__profile", "recipient"
            )
        )
        waiting.update(mailed_at=now)
        user = items[0].recipient if items else None
        if user is not None and user.email and user.is_active:
            queue_mail(**digest_mail(user, items))
        return len(items)
