"""docs/webhooks.md's receiver example, run as it is written, against real deliveries."""

import json
import threading
from http.server import HTTPServer

import pytest

from planhub.webhooks.models import Webhook
from planhub.webhooks.publish import publish
from tests.worker import run_queued_tasks

from .conftest import ALLOWED_HOST, SECRET, docs_receiver


@pytest.fixture
def docs_server():
    """The docs' Receiver, serving on the allowed loopback address; `handled` collects what
    its handle() was given."""
    module = docs_receiver()
    module["SECRET"] = SECRET.encode()
    handled = []
    module["handle"] = lambda event, payload: handled.append((event, payload))
    server = HTTPServer((ALLOWED_HOST, 0), module["Receiver"])
    server.RequestHandlerClass.log_message = lambda *args: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, handled
    server.shutdown()
    server.server_close()


def deliver(project, url, secret, capture):
    Webhook.objects.create(project=project, url=url, secret=secret, events=["comment.created"])
    with capture(execute=True):
        [delivery] = publish(project, "comment.created", {"title": "Who owns this?"})
    run_queued_tasks()
    delivery.refresh_from_db()
    return delivery


def test_the_documented_receiver_accepts_a_real_delivery(
    project, docs_server, django_capture_on_commit_callbacks
):
    server, handled = docs_server
    url = f"http://{ALLOWED_HOST}:{server.server_address[1]}/planhub"
    delivery = deliver(project, url, SECRET, django_capture_on_commit_callbacks)
    assert delivery.state == "succeeded" and delivery.response_status == 204
    [(event, payload)] = handled
    assert event == "comment.created"
    assert payload["data"] == {"title": "Who owns this?"}


def test_the_documented_receiver_refuses_a_delivery_signed_with_another_secret(
    project, docs_server, django_capture_on_commit_callbacks
):
    server, handled = docs_server
    url = f"http://{ALLOWED_HOST}:{server.server_address[1]}/planhub"
    delivery = deliver(project, url, "not-the-receivers-secret", django_capture_on_commit_callbacks)
    assert handled == []
    assert delivery.state == "failed" and delivery.response_status == 401


def test_the_documented_payload_example_is_what_publish_sends(project):
    """The PlanHub JSON example in the docs has exactly the keys of a real envelope."""
    text = docs_receiver.__globals__["DOCS"].read_text()
    example = json.loads(
        text.split("**PlanHub JSON**", 1)[1].split("```json\n", 1)[1].split("```")[0]
    )
    Webhook.objects.create(
        project=project, url="https://example.com/", secret=SECRET, events=["section.approved"]
    )
    [delivery] = publish(project, "section.approved", example["data"])
    sent = json.loads(delivery.body)
    assert set(sent) == set(example) and set(sent["project"]) == set(example["project"])
    slack = Webhook.objects.create(
        project=project, url="https://example.com/", secret=SECRET, format="slack"
    )
    slack_example = (
        text.split("**Slack-compatible**", 1)[1].split("```json\n", 1)[1].split("```")[0]
    )
    assert json.loads(slack.body_for(sent)) == json.loads(slack_example)
