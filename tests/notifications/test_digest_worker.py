"""The digest with the real worker process and a real SMTP server: thirty mentions, one digest
mail, sent when its time comes (not before)."""

import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from planhub.notifications.models import DigestSchedule, Preference
from planhub.notifications.notify import notify
from tests.factories import add_member, make_user
from tests.worker import start_db_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_thirty_mentions_make_one_digest_mail_at_its_time(plan, owner, smtp):
    rita = make_user("rita-digest")
    rita.email = "rita@example.com"
    rita.save()
    add_member(plan.project, rita, "reviewer")  # only members hear about a project
    Preference.choose(rita, {"mention": "digest"})
    for n in range(30):
        notify("mention", [rita], title=f"Mention {n}", url="/", actor=owner, plan=plan)
    [job] = DBTaskResult.objects.filter(task_path__endswith="send_digest")
    due = timezone.now() + timedelta(seconds=3)  # the digest hour, brought close
    DigestSchedule.objects.filter(user=rita).update(due_at=due)
    DBTaskResult.objects.filter(pk=job.pk).update(run_after=due)

    worker = start_db_worker(EMAIL_URL=smtp.url, SITE_URL="https://plans.example.com")
    try:
        time.sleep(1.5)
        assert smtp.messages == []  # not before its time
        deadline = time.monotonic() + 60
        while not smtp.messages and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # anything more would arrive now
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    assert len(smtp.messages) == 1, output[-2000:]
    [message] = smtp.messages
    assert message["Subject"] == "PlanHub digest: 30 notifications"
    assert timezone.now() >= due
    text = message.get_body(("plain",)).get_content()
    assert all(f"Mention {n} (" in text for n in range(30))
    assert "https://plans.example.com/notifications/unsubscribe/" in message["List-Unsubscribe"]
