"""Every mail PlanHub sends goes through the outbox: stored with the caller's transaction, sent
by the background worker (`manage.py db_worker`), retried with backoff when the mail server
fails, never lost and never sent twice (planhub/mail/tasks.py)."""

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
    holds_secret: bool = False,
) -> OutgoingMail:
    """Store a mail to `to`; the worker sends it once the caller's transaction commits.

    The job is written in the caller's transaction too (django-tasks' database backend, same
    database): the mail and its job commit together or not at all, so no crash between a
    commit and an enqueue can leave a stored mail that nobody sends.

    `holds_secret`: the mail carries a one-time link; its text is forgotten once it is sent
    (or has failed for good), so the outbox never becomes a store of working links."""
    mail = OutgoingMail.objects.create(
        to=to,
        subject=" ".join(subject.split())[:300],
        text=text,
        html=html,
        headers=headers or {},
        kind=kind,
        holds_secret=holds_secret,
    )
    send_outgoing_mail.enqueue(mail.pk)
    return mail
