"""The real worker process (`manage.py db_worker`) delivers webhooks, retrying after the
configured wait, against a real receiver on loopback."""

import json
import time

import pytest
from django.db import transaction

from planhub.webhooks.models import Delivery, Webhook
from planhub.webhooks.publish import publish
from tests.worker import run_db_worker, start_db_worker

from .conftest import ALLOWED_HOST, SECRET

WORKER_SETTINGS = {
    "WEBHOOK_ALLOWED_NETWORKS": f"{ALLOWED_HOST}/32",
    "WEBHOOK_ATTEMPTS": "3",
    "WEBHOOK_TIMEOUT_SECONDS": "5",
}


def publish_committed(project, receiver) -> Delivery:
    Webhook.objects.create(
        project=project, url=receiver.url, secret=SECRET, events=["plan.approved"]
    )
    with transaction.atomic():
        [delivery] = publish(project, "plan.approved", {"title": "Launch plan"})
    return delivery


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_delivers_a_signed_event(project, receiver):
    delivery = publish_committed(project, receiver)
    worker = run_db_worker(WEBHOOK_RETRY_BASE_SECONDS="0", **WORKER_SETTINGS)
    assert worker.returncode == 0, worker.stdout + worker.stderr
    [got] = receiver.received
    assert got.verified and json.loads(got.body)["data"] == {"title": "Launch plan"}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("succeeded", 1, 200)


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_retries_after_a_500_and_waits_first(project, receiver):
    receiver.answer(500, b"try later")
    delivery = publish_committed(project, receiver)
    worker = start_db_worker(WEBHOOK_RETRY_BASE_SECONDS="1.5", **WORKER_SETTINGS)
    try:
        deadline = time.monotonic() + 60
        while Delivery.objects.get().state == "pending" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert len(receiver.received) == 2, output
    assert all(r.verified for r in receiver.received)
    first, second = receiver.received
    assert second.at - first.at >= 1.4, "the retry did not wait for its backoff"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("succeeded", 2, 200)
