"""The outbox in-process: what a send stores, retries with backoff, the final FAILED state, the
claim that keeps two workers from sending one mail. (The real worker process and a real SMTP
server that goes away mid-run: test_outbox_worker.py.)"""

import threading
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planhub.mail.models import OutgoingMail, retry_delay
from planhub.mail.outbox import queue_mail
from planhub.mail.tasks import send_outgoing_mail
from tests.worker import run_queued_tasks

from .smtp import SmtpServer, free_port


def test_a_queued_mail_is_sent_by_the_worker_with_both_parts(db, smtp):
    mail = queue_mail(
        "olivia@example.com", "Review requested", "Plain words", "<p>HTML words</p>", kind="test"
    )
    assert smtp.messages == []  # nothing is sent by the request itself
    run_queued_tasks()
    [message] = smtp.messages
    assert smtp.recipients == [["olivia@example.com"]]
    assert message["Subject"] == "Review requested"
    assert message["Message-ID"] == mail.message_id
    assert message.get_body(("plain",)).get_content().strip() == "Plain words"
    assert message.get_body(("html",)).get_content().strip() == "<p>HTML words</p>"
    mail.refresh_from_db()
    assert (mail.state, mail.attempts, mail.last_error) == ("sent", 1, "")
    assert mail.sent_at is not None


def test_a_subject_with_line_breaks_cannot_inject_headers(db, smtp):
    queue_mail("olivia@example.com", "Hi\r\nBcc: eve@example.com", "x")
    run_queued_tasks()
    [message] = smtp.messages
    assert message["Bcc"] is None and message["Subject"] == "Hi Bcc: eve@example.com"


def test_a_mail_is_not_queued_when_the_callers_transaction_rolls_back(db, smtp):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_mail("olivia@example.com", "Never", "x")
        raise RuntimeError
    assert run_queued_tasks() == 0 and smtp.messages == [] and not OutgoingMail.objects.exists()


def test_running_the_job_again_sends_nothing_twice(db, smtp):
    mail = queue_mail("olivia@example.com", "Once", "x")
    run_queued_tasks()
    assert send_outgoing_mail.call(mail.pk) == "nothing to do"
    assert len(smtp.messages) == 1


@pytest.fixture
def no_server(settings):
    server = SmtpServer(free_port())  # nothing listens on its port
    server.configure(settings)
    return server


def test_a_refused_send_is_retried_after_the_backoff(db, no_server, settings):
    settings.MAIL_RETRY_BASE_SECONDS = 60
    mail = queue_mail("olivia@example.com", "Later", "x")
    before = timezone.now()
    run_queued_tasks()
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == ("queued", 1)
    assert "Connection refused" in mail.last_error or "ConnectionRefused" in mail.last_error
    assert before + timedelta(seconds=59) < mail.next_attempt_at < before + timedelta(seconds=62)
    retry = DBTaskResult.objects.filter(status="READY", run_after=mail.next_attempt_at)
    assert retry.count() == 1  # the next attempt is scheduled, not lost


def test_after_the_last_attempt_the_mail_is_failed_and_kept_with_its_error(
    db, no_server, settings, admin_client
):
    settings.MAIL_RETRY_BASE_SECONDS = 0
    settings.MAIL_MAX_ATTEMPTS = 3
    mail = queue_mail("olivia@example.com", "Doomed", "x")
    run_queued_tasks()
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == ("failed", 3)
    assert "refused" in mail.last_error.lower()
    assert send_outgoing_mail.call(mail.pk) == "nothing to do"  # failed stays failed
    page = admin_client.get(reverse("admin:mail_outgoingmail_change", args=[mail.pk]))
    assert b"Failed" in page.content and b"refused" in page.content.lower()
    listing = admin_client.get(reverse("admin:mail_outgoingmail_changelist") + "?state=failed")
    assert b"Doomed" in listing.content and b"Connection refused" in listing.content
    assert admin.site._registry[OutgoingMail].has_change_permission(None) is False


@given(st.integers(min_value=1, max_value=200))
def test_the_backoff_doubles_and_is_capped(attempts):
    delay = retry_delay(attempts)
    assert 0 <= delay <= 3600
    assert retry_delay(1) == 60
    assert retry_delay(attempts + 1) == min(2 * delay, 3600)


def test_a_claim_is_held_until_its_lease_ends(db):
    mail = queue_mail("olivia@example.com", "x", "x")
    first = OutgoingMail.objects.claim(mail.pk, "a" * 32)
    assert first is not None and first.state == "sending" and first.attempts == 1
    assert OutgoingMail.objects.claim(mail.pk, "b" * 32) is None
    # The holder died: once the lease is over, another worker takes the mail up.
    OutgoingMail.objects.filter(pk=mail.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    second = OutgoingMail.objects.claim(mail.pk, "c" * 32)
    assert second is not None and second.attempts == 2
    # The dead holder's late word does not count any more.
    assert first.mark_sent() is False
    assert second.mark_sent() is True


def test_a_mail_not_yet_due_is_not_claimed(db):
    mail = queue_mail("olivia@example.com", "x", "x")
    OutgoingMail.objects.filter(pk=mail.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert OutgoingMail.objects.claim(mail.pk, "a" * 32) is None


@pytest.mark.django_db(transaction=True)
def test_of_workers_claiming_at_once_exactly_one_gets_the_mail():
    mail = queue_mail("olivia@example.com", "x", "x")
    barrier = threading.Barrier(6)
    won: list[str] = []

    def worker(name: str) -> None:
        try:
            barrier.wait()
            if OutgoingMail.objects.claim(mail.pk, name * 32) is not None:
                won.append(name)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(str(i),)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    assert OutgoingMail.objects.get().attempts == 1


def test_a_queued_mail_whose_job_was_lost_is_resumed(db, smtp, settings):
    from planhub.mail.tasks import resume_stalled_mail

    lost = OutgoingMail.objects.create(
        to="olivia@example.com",
        subject="Lost",
        text="x",
        next_attempt_at=timezone.now() - timedelta(hours=1),
    )
    assert resume_stalled_mail() == 1
    assert resume_stalled_mail() == 0  # not twice
    run_queued_tasks()
    assert smtp.message_ids() == [lost.message_id]


OPERATION = st.one_of(
    st.tuples(st.just("claim"), st.integers(0, 2)),
    st.tuples(st.just("sent"), st.integers(0, 2)),
    st.tuples(st.just("fail"), st.integers(0, 2)),
    st.tuples(st.just("lease over"), st.just(0)),
    st.tuples(st.just("due"), st.just(0)),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(OPERATION, max_size=25))
def test_whatever_the_interleaving_a_mail_is_recorded_sent_at_most_once(db, operations):
    """Three workers claiming, sending, failing in any order, leases running out, retries
    coming due: at most one send is recorded, and a sent mail is never claimed again."""
    with transaction.atomic():
        mail = OutgoingMail.objects.create(to="o@example.com", subject="s", text="t")
        held: dict[int, OutgoingMail] = {}
        recorded = 0
        for operation, worker in operations:
            if operation == "claim":
                claimed = OutgoingMail.objects.claim(mail.pk, f"{worker:032d}")
                if claimed is not None:
                    assert OutgoingMail.objects.get(pk=mail.pk).state == "sending"
                    held[worker] = claimed
            elif operation == "sent" and worker in held:
                recorded += held.pop(worker).mark_sent()
            elif operation == "fail" and worker in held:
                held.pop(worker).mark_failed_attempt(OSError("refused"))
            elif operation == "lease over":
                OutgoingMail.objects.filter(pk=mail.pk).update(
                    claimed_at=timezone.now() - timedelta(days=1)
                )
            elif operation == "due":
                OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now())
            state = OutgoingMail.objects.get(pk=mail.pk).state
            assert recorded <= 1
            assert (state == "sent") == (recorded == 1)
        transaction.set_rollback(True)


def test_a_mail_with_a_one_time_link_is_sent_whole_then_not_kept(db, smtp):
    secret = queue_mail(
        "ivy@example.com", "Reset", "https://x/reset/abc", "<a>abc</a>", holds_secret=True
    )
    plain = queue_mail("ivy@example.com", "Hello", "Kept text")
    run_queued_tasks()
    assert "https://x/reset/abc" in smtp.messages[0].get_body(("plain",)).get_content()
    secret.refresh_from_db()
    plain.refresh_from_db()
    assert secret.state == "sent" and "abc" not in secret.text + secret.html
    assert secret.text == "(Not kept: this mail carried a one-time link.)"
    assert plain.text == "Kept text"


def test_a_mail_with_a_one_time_link_that_failed_for_good_is_not_kept(db, no_server, settings):
    settings.MAIL_RETRY_BASE_SECONDS = 0
    settings.MAIL_MAX_ATTEMPTS = 2
    secret = queue_mail("ivy@example.com", "Reset", "https://x/reset/abc", holds_secret=True)
    run_queued_tasks()
    secret.refresh_from_db()
    assert secret.state == "failed" and "abc" not in secret.text
