import json
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone

from planhub.projects.models import Project

from .events import WebhookEvent

EXCERPT_CHARS = 500


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Format(models.TextChoices):
    PLANHUB = "planhub", "PlanHub JSON"
    SLACK = "slack", 'Slack-compatible ({"text": …})'


class Webhook(models.Model):
    """A URL a project's events are POSTed to, signed with its secret."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField("URL", max_length=2000)
    secret = models.CharField(max_length=200)
    events = models.JSONField(default=list)  # WebhookEvent values
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.PLANHUB)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.url} ({self.project})"

    def get_absolute_url(self) -> str:
        return reverse("webhook_edit", args=[self.project.slug, self.pk])

    def wants(self, event: str) -> bool:
        return self.active and event in self.events

    def event_labels(self) -> list[str]:
        return [label for value, label in WebhookEvent.choices if value in self.events]

    def body_for(self, envelope: dict) -> str:
        """What is POSTed for one event: the envelope itself, or Slack's {"text": …}."""
        if self.format == Format.SLACK:
            return json.dumps({"text": slack_text(envelope)}, ensure_ascii=False)
        return json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False)


def slack_text(envelope: dict) -> str:
    """One line a chat channel can show: project, what happened, its title and link."""
    data = envelope.get("data") or {}
    label = WebhookEvent(envelope["event"]).label
    text = f"[{envelope['project']['name']}] {label}"
    title = data.get("title") or data.get("plan_title") or data.get("section")
    if title:
        text += f": {title}"
    actor = data.get("actor")
    if actor:
        text += f" (by {actor})"
    url = data.get("url")
    if url:
        text += f" <{url}>"
    return text


class Delivery(models.Model):
    """One POST of one event to one webhook: what was sent, and how it went."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=60, choices=WebhookEvent.choices)
    body = models.TextField()  # exactly the bytes POSTed (UTF-8), signed at each attempt
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=EXCERPT_CHARS, blank=True)
    error = models.CharField(max_length=500, blank=True)
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The delivery log of a webhook, newest first.
            models.Index(fields=["webhook", "-created_at"], name="webhooks_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook.url} ({self.state})"

    def start_attempt(self, attempt: int) -> bool:
        """Take attempt number `attempt` (1, 2, …); False when it was taken already or the
        delivery is over (a job run twice sends once)."""
        taken = Delivery.objects.filter(
            pk=self.pk, state=self.State.PENDING, attempts=attempt - 1
        ).update(attempts=attempt, next_attempt_at=None)
        if taken:
            self.attempts, self.next_attempt_at = attempt, None
        return bool(taken)

    def succeed(self, status: int, excerpt: str) -> None:
        self._record(self.State.SUCCEEDED, status=status, excerpt=excerpt)

    def retry_or_fail(
        self, *, status: int | None = None, excerpt: str = "", error: str = ""
    ) -> timedelta | None:
        """After a failed attempt: the wait before the next one (exponential backoff), or None
        when this was the last attempt and the delivery has failed."""
        if self.attempts >= settings.WEBHOOK_ATTEMPTS:
            self._record(self.State.FAILED, status=status, excerpt=excerpt, error=error)
            return None
        wait = timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (self.attempts - 1))
        self.next_attempt_at = timezone.now() + wait
        self._record(self.State.PENDING, status=status, excerpt=excerpt, error=error)
        return wait

    def fail(self, error: str) -> None:
        """Give up at once (a refused address does not become public by waiting)."""
        self._record(self.State.FAILED, error=error)

    def _record(self, state, *, status=None, excerpt="", error="") -> None:
        self.state = state
        self.response_status = status
        self.response_excerpt = excerpt[:EXCERPT_CHARS]
        self.error = error[:500]
        if state != self.State.PENDING:
            self.finished_at = timezone.now()
        self.save(
            update_fields=[
                "state",
                "response_status",
                "response_excerpt",
                "error",
                "finished_at",
                "next_attempt_at",
            ]
        )

    def redelivery(self) -> "Delivery":
        """A new delivery of the same body (the receiver sees the same event_id)."""
        return Delivery.objects.create(
            webhook=self.webhook, event=self.event, body=self.body, redelivery_of=self
        )
