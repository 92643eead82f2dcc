"""Every mail PlanHub sends goes through the outbox: stored with the caller's transaction, sent
by the background worker (`manage.py db_worker`), retried with backoff when the mail server
fails, never lost and never sent twice."""

from django.db import transaction

from .models import OutgoingMail
from .tasks import send_outgoing_mail


def queue_mail(
    to: str,
    subject: str,
    text: str,
    html: str = "",
    *,
    headers: dict[str, str] | None = None,
    kind: str = "",
) -> OutgoingMail:
    """Store a mail to `to` and have the worker send it once the caller's transaction commits."""
    mail = OutgoingMail.objects.create(
        to=to, subject=subject, text=text, html=html, headers=headers or {}, kind=kind
    )
    transaction.on_commit(lambda: send_outgoing_mail.enqueue(mail.pk))
    return mail
