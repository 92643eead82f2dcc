"""The worker's side of webhooks: one job per attempt of a delivery."""

import logging
import time

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import network
from .models import Delivery
from .signing import signature

logger = logging.getLogger(__name__)


@task()
def deliver(delivery_id: int, attempt: int = 1) -> None:
    delivery = Delivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or not delivery.start_attempt(attempt):
        return  # deleted with its webhook, or this attempt already ran
    try:
        answer = send(delivery)
    except network.Refused as refused:
        delivery.fail(str(refused))
        logger.warning("Webhook delivery %s refused: %s", delivery.uuid, refused)
        return
    except network.Unreachable as failure:
        wait = delivery.retry_or_fail(error=str(failure))
    else:
        excerpt = answer.body.decode("utf-8", errors="replace")
        if 200 <= answer.status < 300:
            delivery.succeed(answer.status, excerpt)
            return
        error = f"The receiver answered {answer.status}."
        wait = delivery.retry_or_fail(status=answer.status, excerpt=excerpt, error=error)
    logger.info("Webhook delivery %s attempt %s failed: %s", delivery.uuid, attempt, delivery.error)
    if wait is not None:
        deliver.using(run_after=timezone.now() + wait).enqueue(delivery.pk, attempt + 1)


def send(delivery: Delivery) -> network.Answer:
    """POST the delivery's body, signed now, through the network guard."""
    body = delivery.body.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "PlanHub-Webhooks/1",
        "X-PlanHub-Event": delivery.event,
        "X-PlanHub-Delivery": str(delivery.uuid),
        "X-PlanHub-Timestamp": str(timestamp),
        "X-PlanHub-Signature": signature(delivery.webhook.secret, timestamp, body),
    }
    return network.post(
        delivery.webhook.url,
        body,
        headers,
        allowed=network.parse_networks(settings.WEBHOOK_ALLOWED_NETWORKS),
        limits=network.Limits(
            connect_timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            read_timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            total_seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS,
            max_redirects=settings.WEBHOOK_MAX_REDIRECTS,
        ),
    )
