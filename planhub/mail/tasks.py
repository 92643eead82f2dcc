"""The worker's side of the outbox (planhub/mail/outbox.py)."""

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from .models import OutgoingMail


@task()
def send_outgoing_mail(mail_id: int) -> None:
    mail = OutgoingMail.objects.filter(pk=mail_id, state=OutgoingMail.State.QUEUED).first()
    if mail is None:
        return
    message = EmailMultiAlternatives(mail.subject, mail.text, to=[mail.to], headers=mail.headers)
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    message.send()
    OutgoingMail.objects.filter(pk=mail.pk).update(
        state=OutgoingMail.State.SENT, sent_at=timezone.now(), attempts=mail.attempts + 1
    )
