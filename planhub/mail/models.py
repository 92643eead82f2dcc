import uuid
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


def new_message_id() -> str:
    """A Message-ID for a new mail, under the domain of the sender's address."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "planhub.localhost"
    return make_msgid(domain=domain)


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: doubling, capped."""
    base = settings.MAIL_RETRY_BASE_SECONDS
    return min(base * 2 ** min(attempts - 1, 40), settings.MAIL_RETRY_MAX_SECONDS)


SECRET_REMOVED = "(Not kept: this mail carried a one-time link.)"


class OutgoingMailQuerySet(models.QuerySet):
    def claim(self, mail_id: int, token: str) -> "OutgoingMail | None":
        """Take the mail for sending, if it is due and nobody holds it (or its holder's lease
        ran out: that worker died mid-send). A single conditional UPDATE: of two workers
        claiming at once, the database lets exactly one change the row."""
        now = timezone.now()
        lease_over = now - timedelta(seconds=settings.MAIL_SEND_LEASE_SECONDS)
        claimable = Q(state=OutgoingMail.State.QUEUED, next_attempt_at__lte=now) | Q(
            state=OutgoingMail.State.SENDING, claimed_at__lt=lease_over
        )
        claimed = self.filter(claimable, pk=mail_id).update(
            state=OutgoingMail.State.SENDING,
            claim=token,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
        return self.get(pk=mail_id) if claimed else None

    def stalled(self) -> "OutgoingMailQuerySet":
        """Queued mails long past due: their job was lost (say, the process that stored them
        died between its commit and the enqueue)."""
        lease = timedelta(seconds=settings.MAIL_SEND_LEASE_SECONDS)
        return self.filter(
            state=OutgoingMail.State.QUEUED, next_attempt_at__lt=timezone.now() - lease
        )


class OutgoingMail(models.Model):
    """One mail to one address, kept until (and after) it is sent."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    kind = models.CharField(max_length=60, blank=True, help_text="What the mail is about.")
    holds_secret = models.BooleanField(
        default=False,
        help_text="It carries a one-time link (a reset, a verification, an invitation): its text "
        "is not kept once it is sent or has failed for good.",
    )
    message_id = models.CharField(
        max_length=250, unique=True, default=new_message_id, help_text="The same on every attempt."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim = models.CharField(max_length=32, blank=True, help_text="The attempt holding it.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # OutgoingMail.objects.stalled(): queued mails by due time.
            models.Index(fields=["state", "next_attempt_at"], name="outgoingmail_due"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.state})"

    @staticmethod
    def new_claim() -> str:
        return uuid.uuid4().hex

    def message(self) -> EmailMultiAlternatives:
        headers = {**self.headers, "Message-ID": self.message_id}
        message = EmailMultiAlternatives(self.subject, self.text, to=[self.to], headers=headers)
        if self.html:
            message.attach_alternative(self.html, "text/html")
        return message

    def lease_ends(self) -> datetime:
        return self.claimed_at + timedelta(seconds=settings.MAIL_SEND_LEASE_SECONDS)

    def mark_sent(self) -> bool:
        """Record the send, if this attempt still holds the mail."""
        return bool(
            OutgoingMail.objects.filter(
                pk=self.pk, state=self.State.SENDING, claim=self.claim
            ).update(
                state=self.State.SENT,
                sent_at=timezone.now(),
                last_error="",
                claim="",
                **self._forgotten_text(),
            )
        )

    def _forgotten_text(self) -> dict:
        if not self.holds_secret:
            return {}
        return {"text": SECRET_REMOVED, "html": ""}

    def mark_failed_attempt(self, error: BaseException) -> datetime | None:
        """Record a failed attempt: queued again after the backoff (returned), or FAILED for
        good after MAIL_MAX_ATTEMPTS attempts (None)."""
        message = f"{type(error).__name__}: {error}"[:2000]
        held = OutgoingMail.objects.filter(pk=self.pk, state=self.State.SENDING, claim=self.claim)
        if self.attempts >= settings.MAIL_MAX_ATTEMPTS:
            held.update(
                state=self.State.FAILED, last_error=message, claim="", **self._forgotten_text()
            )
            return None
        due = timezone.now() + timedelta(seconds=retry_delay(self.attempts))
        updated = held.update(
            state=self.State.QUEUED, last_error=message, claim="", next_attempt_at=due
        )
        return due if updated else None
