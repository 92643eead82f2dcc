"""A named review request tells each reviewer (at once, in the digest or never, as they chose),
with the message, the due date and a link; the requester hears once it is done. The mail goes
through the real worker process and a real SMTP server."""

import json
import signal
import time
from datetime import date, timedelta

import pytest
from django.urls import reverse

from planhub.mail.models import OutgoingMail
from planhub.notifications.models import Event, Notification, Preference
from planhub.reviews.models import ReviewRequest, SectionDecision
from planhub.reviews.request_tasks import review_requested
from planhub.webhooks.models import Delivery, Webhook
from tests.worker import run_queued_tasks, start_db_worker


@pytest.mark.django_db(transaction=True)
def test_the_worker_mails_the_request_to_the_reviewer(client, editor, rita, plan, smtp):
    due = date.today() + timedelta(days=10)
    client.force_login(editor)
    url = reverse("review_requests", args=[plan.project.slug, plan.pk])
    response = client.post(
        url, {"reviewers": [rita.pk], "due": due.isoformat(), "message": "Risks first, please."}
    )
    assert response.status_code == 302
    worker = start_db_worker(EMAIL_URL=smtp.url, SITE_URL="https://plans.example.com")
    try:
        deadline = time.monotonic() + 60
        while not smtp.messages and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    assert len(smtp.messages) == 1, output[-2000:]
    [message] = smtp.messages
    assert message["To"] == "rita@example.com"
    assert message["Subject"].strip() == f"eddie asks you to review “{plan.title}”"
    sections = plan.sections.count()
    review_mode = reverse("plan_review", args=[plan.project.slug, plan.pk])
    link = f"https://plans.example.com{review_mode}#rr-"
    for part in ("plain", "html"):
        body = message.get_body((part,)).get_content()
        assert "Risks first, please." in body
        assert f"{sections} sections to review. Due {due:%A} {due.day} {due:%B %Y}." in body
        assert link in body
    [notice] = Notification.objects.filter(recipient=rita, event=Event.REVIEW_ASKED)
    assert notice.plan == plan and notice.mail == "immediate"


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        run_queued_tasks()
        return result

    return run


@pytest.mark.parametrize("choice, mail", [("digest", "digest"), ("never", "none")])
def test_the_reviewers_preference_is_followed(plan, owner, rita, after_commit, choice, mail):
    Preference.choose(rita, {"review_asked": choice})
    after_commit(lambda: ReviewRequest.create(plan, by=owner, reviewers=[rita]))
    [notice] = Notification.objects.filter(recipient=rita, event=Event.REVIEW_ASKED)
    assert notice.mail == mail
    assert not OutgoingMail.objects.filter(to="rita@example.com").exists()


def test_told_once_even_if_the_job_runs_twice(plan, owner, rita, after_commit):
    [request] = after_commit(lambda: ReviewRequest.create(plan, by=owner, reviewers=[rita]))
    review_requested.call([request.pk])
    assert Notification.objects.filter(recipient=rita, event=Event.REVIEW_ASKED).count() == 1


def test_a_cancelled_request_tells_nobody(plan, owner, rita, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [request] = ReviewRequest.create(plan, by=owner, reviewers=[rita])
    request.cancel(owner, is_owner=True)
    run_queued_tasks()
    assert not Notification.objects.filter(recipient=rita).exists()


def test_the_requester_hears_once_when_it_is_done(plan, editor, rita, after_commit):
    [request] = after_commit(lambda: ReviewRequest.create(plan, by=editor, reviewers=[rita]))
    sections = list(plan.sections.all())
    for section in sections:
        after_commit(
            lambda s=section: SectionDecision.record(
                section=s, reviewer=rita, decision="changes_requested", version=s.version
            )
        )
        done = Notification.objects.filter(recipient=editor, event=Event.REVIEW_REQUEST_DONE)
        assert done.count() == (1 if section == sections[-1] else 0)
    [notice] = done
    assert notice.title == f"rita finished the review you asked for on “{plan.title}”"
    assert notice.url.endswith(f"/review-requests/#rr-{request.pk}")
    # Another decision afterwards does not tell them again.
    after_commit(
        lambda: SectionDecision.record(
            section=sections[0], reviewer=rita, decision="changes_requested", version=1
        )
    )
    assert done.count() == 1


def test_the_automatic_review_notice_is_not_sent_on_top_of_an_unread_request(
    plan, owner, editor, rita, after_commit
):
    after_commit(lambda: ReviewRequest.create(plan, by=owner, reviewers=[rita]))
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    after_commit(
        lambda: section.save_edit(author=editor, heading="Overview", body="New.", base_version=1)
    )
    assert not Notification.objects.filter(recipient=rita, event=Event.REVIEW_REQUESTED).exists()


def test_the_webhook_hears_review_requested(plan, owner, rita, after_commit):
    Webhook.objects.create(
        project=plan.project,
        url="https://hooks.example.com/",
        secret="s" * 20,
        events=["review.requested"],
    )
    after_commit(
        lambda: ReviewRequest.create(
            plan, by=owner, reviewers=[rita], due=date(2030, 1, 2), message="Soon"
        )
    )
    [delivery] = Delivery.objects.all()
    assert delivery.event == "review.requested"
    data = json.loads(delivery.body)["data"]
    assert (data["reviewer"], data["due"], data["message"]) == ("rita", "2030-01-02", "Soon")
    assert data["plan"]["id"] == plan.pk
