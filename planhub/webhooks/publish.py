"""How the rest of PlanHub tells a project's webhooks about things: `publish(...)`."""

import json
import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .events import WebhookEvent
from .models import Delivery
from .tasks import deliver


def publish(project, event: WebhookEvent | str, data: dict) -> list[Delivery]:
    """Queue a delivery of `event` with `data` (JSON-serialisable) to each of the project's
    webhooks that asked for it; sent by the worker once the caller's transaction commits."""
    event = WebhookEvent(event)  # an unknown event is a programming error
    # Made JSON now (a TypeError here, in the caller, rather than in the worker).
    data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    envelope = {
        "event": event.value,
        "event_id": str(uuid.uuid4()),
        "occurred_at": timezone.now().isoformat(),
        "project": {"slug": project.slug, "name": project.name},
        "data": data,
    }
    deliveries = [
        Delivery.objects.create(webhook=webhook, event=event.value, body=webhook.body_for(envelope))
        for webhook in project.webhooks.filter(active=True)
        if webhook.wants(event.value)
    ]
    for delivery in deliveries:
        queue(delivery)
    return deliveries


def queue(delivery: Delivery) -> None:
    """Have the worker send `delivery` once the current transaction commits."""
    transaction.on_commit(lambda: deliver.enqueue(delivery.pk))
