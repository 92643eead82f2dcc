"""Deliveries from publish() to a real HTTP receiver on loopback, run by the worker's job in
this process (tests/worker.py); the real worker process: test_worker.py."""

import json
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks_db.models import DBTaskResult

from planhub.webhooks.models import Delivery, Format, Webhook
from planhub.webhooks.publish import publish
from planhub.webhooks.tasks import deliver
from tests.worker import run_queued_tasks

from .conftest import SECRET

DATA = {
    "plan": 12,
    "plan_title": "Audit log",
    "section": "Summary",
    "actor": "rita",
    "url": "https://planhub.example.com/p/apollo/plans/12/#section-40",
}


def hook(project, url, *, events=("section.approved",), **fields) -> Webhook:
    return Webhook.objects.create(
        project=project, url=url, secret=SECRET, events=list(events), **fields
    )


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """publish(...) as a caller does, the transaction committed, the worker's jobs run."""

    def _publish(project, event="section.approved", data=DATA):
        with django_capture_on_commit_callbacks(execute=True):
            deliveries = publish(project, event, data)
        run_queued_tasks()
        for delivery in deliveries:
            delivery.refresh_from_db()
        return deliveries

    return _publish


def test_a_delivery_is_a_signed_json_post(project, receiver, published):
    webhook = hook(project, receiver.url)
    [delivery] = published(project)
    [got] = receiver.received
    assert got.verified, "the docs' receiver check refused the signature"
    assert got.path == "/hook"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["X-PlanHub-Event"] == "section.approved"
    assert got.headers["X-PlanHub-Delivery"] == str(delivery.uuid)
    assert abs(int(got.headers["X-PlanHub-Timestamp"]) - time.time()) < 30
    payload = json.loads(got.body)
    assert payload["event"] == "section.approved"
    assert payload["project"] == {"slug": "apollo", "name": "Apollo"}
    assert payload["data"] == DATA
    assert payload["event_id"] and payload["occurred_at"]
    assert delivery.webhook == webhook
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("succeeded", 1, 200)
    assert delivery.response_excerpt == "thanks"


def test_only_active_webhooks_that_asked_for_the_event_get_it(project, receiver, published):
    wanted = hook(project, receiver.url + "?wanted")
    hook(project, receiver.url + "?inactive", active=False)
    hook(project, receiver.url + "?other-event", events=["comment.created"])
    deliveries = published(project)
    assert [d.webhook for d in deliveries] == [wanted]
    assert [r.path for r in receiver.received] == ["/hook?wanted"]


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(project, receiver):
    hook(project, receiver.url)
    publish(project, "section.approved", DATA)  # the test's transaction never commits
    assert run_queued_tasks() == 0
    assert receiver.received == []


def test_slack_format_posts_one_line_of_text(project, receiver, published):
    hook(project, receiver.url, format=Format.SLACK)
    published(project)
    [got] = receiver.received
    assert got.verified
    assert json.loads(got.body) == {
        "text": "[Apollo] A section was approved: Audit log (by rita) "
        "<https://planhub.example.com/p/apollo/plans/12/#section-40>"
    }


def test_a_500_is_retried_and_the_next_attempt_delivers(project, receiver, published):
    hook(project, receiver.url)
    receiver.answer(500, b"database down")
    [delivery] = published(project)
    assert [r.verified for r in receiver.received] == [True, True]
    assert len({r.headers["X-PlanHub-Delivery"] for r in receiver.received}) == 1
    assert receiver.received[0].body == receiver.received[1].body
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("succeeded", 2, 200)


def test_after_the_last_attempt_the_delivery_has_failed(project, receiver, published):
    hook(project, receiver.url)
    for _ in range(5):
        receiver.answer(503, b"maintenance until noon")
    [delivery] = published(project)
    assert len(receiver.received) == 3  # WEBHOOK_ATTEMPTS in the tests
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("failed", 3, 503)
    assert delivery.response_excerpt == "maintenance until noon"
    assert delivery.error == "The receiver answered 503."
    assert delivery.finished_at is not None and delivery.next_attempt_at is None


def test_retries_wait_longer_each_time(
    project, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    hook(project, receiver.url)
    for _ in range(3):
        receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = publish(project, "section.approved", DATA)
    waits = []
    for attempt in (1, 2):
        before = timezone.now()
        if attempt == 1:
            assert run_queued_tasks() == 1  # the first attempt, queued by publish
        else:
            deliver.call(delivery.pk, attempt)  # as the worker will once the wait is over
        queued = DBTaskResult.objects.filter(args_kwargs__args=[delivery.pk, attempt + 1]).get()
        waits.append(round((queued.run_after - before).total_seconds()))
    assert run_queued_tasks() == 0, "a retry ran before its time"
    assert len(receiver.received) == 2
    assert waits == [10, 20]
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.next_attempt_at is not None


def test_an_attempt_run_twice_sends_once(project, receiver, django_capture_on_commit_callbacks):
    hook(project, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = publish(project, "section.approved", DATA)
    deliver.call(delivery.pk, 1)
    deliver.call(delivery.pk, 1)
    assert len(receiver.received) == 1


def test_nobody_listening_is_retried_then_failed(project, published):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.2", 0))
        port = probe.getsockname()[1]
    hook(project, f"http://127.0.0.2:{port}/hook")
    [delivery] = published(project)
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("failed", 3, None)
    assert delivery.error.startswith(f"Could not reach http://127.0.0.2:{port}/hook")


def test_a_receiver_that_never_answers_times_out(project, settings, published):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    settings.WEBHOOK_ATTEMPTS = 1
    silent = socket.socket()
    silent.bind(("127.0.0.2", 0))
    silent.listen()
    held = []
    threading.Thread(target=lambda: held.append(silent.accept()), daemon=True).start()
    hook(project, f"http://127.0.0.2:{silent.getsockname()[1]}/slow")
    started = time.monotonic()
    [delivery] = published(project)
    assert time.monotonic() - started < 5
    assert delivery.state == "failed"
    assert delivery.error.startswith("Timed out"), delivery.error
    silent.close()


def test_a_huge_answer_is_read_only_in_part(project, receiver, published):
    hook(project, receiver.url)
    receiver.answer(200, b"x" * 5_000_000)
    [delivery] = published(project)
    assert delivery.state == "succeeded"
    assert delivery.response_excerpt == "x" * 500


def test_redelivery_sends_the_same_payload_again(
    project, receiver, published, django_capture_on_commit_callbacks
):
    hook(project, receiver.url)
    [original] = published(project)
    with django_capture_on_commit_callbacks(execute=True):
        again = original.redelivery()
        from planhub.webhooks.publish import queue

        queue(again)
    run_queued_tasks()
    first, second = receiver.received
    assert second.verified and second.body == first.body
    assert json.loads(second.body)["event_id"] == json.loads(first.body)["event_id"]
    assert second.headers["X-PlanHub-Delivery"] != first.headers["X-PlanHub-Delivery"]
    again.refresh_from_db()
    assert again.state == "succeeded" and again.redelivery_of == original


def test_a_deleted_webhook_sends_nothing_more(
    project, receiver, django_capture_on_commit_callbacks
):
    webhook = hook(project, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        publish(project, "section.approved", DATA)
    webhook.delete()
    run_queued_tasks()
    assert receiver.received == [] and not Delivery.objects.exists()


def test_publish_refuses_unknown_events_and_data_that_is_not_json(project):
    with pytest.raises(ValueError):
        publish(project, "section.exploded", {})
    with pytest.raises(TypeError):
        publish(project, "section.approved", {"when": object()})


def test_dates_in_data_are_sent_as_iso_text(project, receiver, published):
    hook(project, receiver.url)
    moment = timezone.now() - timedelta(days=1)
    published(project, data={"due": moment})
    sent = json.loads(receiver.received[0].body)["data"]["due"]  # ECMA-262, as JavaScript reads
    assert parse_datetime(sent) == moment.replace(microsecond=moment.microsecond // 1000 * 1000)
