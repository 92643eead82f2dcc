"""The worker's side of the outbox (planhub/mail/outbox.py).

Each attempt claims the mail first (a conditional UPDATE, so two workers never both send it),
and in the same transaction schedules a follow-up job for when its claim's lease ends: if this
worker dies mid-send, that job takes the mail up again; if the send finished, it finds nothing
to do. A failed send queues the mail again after a backoff, until MAIL_MAX_ATTEMPTS."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import OutgoingMail

logger = logging.getLogger("planhub.mail")


@task()
def send_outgoing_mail(mail_id: int) -> str:
    with transaction.atomic():
        mail = OutgoingMail.objects.claim(mail_id, OutgoingMail.new_claim())
        if mail is None:
            return "nothing to do"
        # Same database, same transaction: the follow-up exists exactly when the claim does.
        send_outgoing_mail.using(run_after=mail.lease_ends() + timedelta(seconds=1)).enqueue(
            mail.pk
        )
    try:
        mail.message().send()
    except Exception as error:  # noqa: BLE001 - any failure of the send is one failed attempt
        with transaction.atomic():
            due = mail.mark_failed_attempt(error)
            if due is not None:
                send_outgoing_mail.using(run_after=due).enqueue(mail.pk)
        logger.warning(
            "mail %s to %s: attempt %s failed (%s); %s",
            mail.pk,
            mail.to,
            mail.attempts,
            error,
            f"next attempt at {due:%H:%M:%S}" if due else "given up",
        )
        return "retry" if due else "failed"
    mail.mark_sent()
    resume_stalled_mail()
    return "sent"


def resume_stalled_mail() -> int:
    """Enqueue again the queued mails whose job was lost; a duplicate job is harmless (it
    finds the mail claimed or sent)."""
    resumed = 0
    for mail_id in OutgoingMail.objects.stalled().values_list("pk", flat=True)[:100]:
        if OutgoingMail.objects.stalled().filter(pk=mail_id).update(next_attempt_at=timezone.now()):
            send_outgoing_mail.enqueue(mail_id)
            resumed += 1
    return resumed
