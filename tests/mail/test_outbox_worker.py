"""The outbox with the real worker process (`manage.py db_worker`) and a real SMTP server on
loopback: the server goes away mid-run and comes back; a worker dies mid-send. Every mail
arrives exactly once (by Message-ID)."""

import asyncio
import os
import signal
import time

import pytest

from planhub.mail.models import OutgoingMail
from planhub.mail.outbox import queue_mail
from tests.worker import start_db_worker

pytestmark = pytest.mark.django_db(transaction=True)

FAST_RETRIES = {
    "MAIL_RETRY_BASE_SECONDS": "0.3",
    "MAIL_RETRY_MAX_SECONDS": "1.5",
    "MAIL_MAX_ATTEMPTS": "30",
}


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def stop(worker) -> str:
    worker.send_signal(signal.SIGTERM)
    try:
        output, _ = worker.communicate(timeout=20)
    except Exception:  # noqa: BLE001
        worker.kill()
        output, _ = worker.communicate()
    return output or ""


def test_every_mail_arrives_exactly_once_when_the_smtp_server_stops_mid_run(smtp):
    original = smtp.handle_DATA

    async def slow_handle(server, session, envelope):
        await asyncio.sleep(0.08)
        return await original(server, session, envelope)

    smtp.handle_DATA = slow_handle
    mails = [
        queue_mail(f"person{i}@example.com", f"Mail {i}", f"Text {i}", f"<p>{i}</p>")
        for i in range(20)
    ]
    worker = start_db_worker(EMAIL_URL=smtp.url, **FAST_RETRIES)
    try:
        wait_for(lambda: len(smtp.messages) >= 5, 60, "the first five mails")
        smtp.stop()
        received_before_the_outage = len(smtp.messages)
        wait_for(
            lambda: OutgoingMail.objects.filter(attempts__gte=2).exists(),
            30,
            "an attempt that failed and was tried again",
        )
        errors = set(
            OutgoingMail.objects.exclude(last_error="").values_list("last_error", flat=True)
        )
        smtp.start()
        wait_for(lambda: OutgoingMail.objects.filter(state="sent").count() == 20, 90, "all 20 sent")
    finally:
        output = stop(worker)

    assert received_before_the_outage < 20, "the outage came too late to test anything"
    ids = smtp.message_ids()
    assert len(ids) == 20, output[-3000:]
    assert sorted(ids) == sorted(mail.message_id for mail in mails)  # each exactly once
    assert sorted(r[0] for r in smtp.recipients) == sorted(m.to for m in mails)
    stored = list(OutgoingMail.objects.all())
    retried = [mail for mail in stored if mail.attempts > 1]
    assert retried and all(mail.state == "sent" and mail.last_error == "" for mail in stored)
    assert any("refused" in error.lower() or "connect" in error.lower() for error in errors)
    print(
        f"\n20 mails: {received_before_the_outage} before the outage, "
        f"{len(retried)} retried, {sum(m.attempts for m in stored)} attempts in all"
    )


def test_a_mail_whose_worker_died_mid_send_is_sent_by_another_worker(smtp):
    smtp.hold_first = True  # the first DATA gets no answer: the worker waits there
    mail = queue_mail("olivia@example.com", "Survives", "x")
    lease = {"MAIL_SEND_LEASE_SECONDS": "2", **FAST_RETRIES}
    first = start_db_worker(EMAIL_URL=smtp.url, **lease)
    try:
        assert smtp.held.wait(60), "the worker never reached the server"
        assert OutgoingMail.objects.get().state == "sending"
        os.kill(first.pid, signal.SIGKILL)  # dies mid-send, the mail claimed
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
        first.communicate()
    second = start_db_worker(EMAIL_URL=smtp.url, **lease)
    try:
        wait_for(lambda: OutgoingMail.objects.get().state == "sent", 60, "the mail to be sent")
    finally:
        stop(second)
    assert smtp.message_ids() == [mail.message_id]
    mail.refresh_from_db()
    assert mail.attempts == 2
