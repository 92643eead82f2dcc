"""Webhooks in the browser: an owner adds one, events are delivered to a real receiver on
loopback, the delivery log shows them and Redeliver works in place. Screenshots of the list and
the log at 1280 and 375 px go to /tmp/shots/webhooks/ (or $WEBHOOK_SHOTS)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from planhub.webhooks.models import Delivery, Webhook
from planhub.webhooks.publish import publish
from tests.webhooks.conftest import ALLOWED_HOST, serve
from tests.worker import run_queued_tasks

from .helpers import assert_no_reload, mark_page
from .test_accessibility import check_axe

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("WEBHOOK_SHOTS") or "/tmp/shots/webhooks")
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = [f"{ALLOWED_HOST}/32"]
    settings.WEBHOOK_ATTEMPTS = 2
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    receiver = serve(ALLOWED_HOST)
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")


def test_owner_adds_a_webhook_and_reads_its_delivery_log(
    open_page, console_errors, project, owner, receiver
):
    console_errors.allow(r"status of 422 .*/webhooks/new/")  # the refused URL, on purpose
    page = open_page(owner, f"/p/{project.slug}/settings/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_text("No webhooks yet")).to_be_visible()
    page.get_by_role("link", name="Add webhook").click()
    secret = page.get_by_label("Secret").input_value()
    assert len(secret) >= 40, "a generated secret is offered"
    page.get_by_role("button", name="Generate a new secret").click()
    expect(page.locator("#announcer")).to_contain_text("New secret generated")
    expect(page.get_by_label("Secret")).not_to_have_value(secret)
    secret = page.get_by_label("Secret").input_value()
    assert len(secret) == 43
    receiver.secret = secret  # the receiver checks signatures with it
    # An unsafe URL is refused with a clear message, the rest of the form kept.
    page.get_by_label("Payload URL").fill("http://169.254.169.254/latest/meta-data/")
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_role("alert")).to_contain_text("is a link-local address")
    assert page.get_by_label("Secret").input_value() == secret
    page.get_by_label("Payload URL").fill(receiver.url)
    page.get_by_label("A comment or reply was written").uncheck()
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_role("status").first).to_contain_text("added")
    webhook = Webhook.objects.get()
    assert webhook.secret == secret and "comment.created" not in webhook.events

    receiver.answer(500, b"deploying")
    receiver.answer(500, b"still deploying")
    publish(project, "section.approved", {"title": "Launch plan", "actor": "rita"})
    run_queued_tasks()  # both attempts answered 500: failed
    publish(project, "plan.approved", {"title": "Launch plan"})
    run_queued_tasks()
    assert [d.state for d in Delivery.objects.order_by("pk")] == ["failed", "succeeded"]

    for width, height in [(1280, 800), (375, 800)]:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{page.url.split('/p/')[0]}/p/{project.slug}/webhooks/")
        expect(page.get_by_role("cell", name="Delivered")).to_be_visible()
        assert page.evaluate(OVERFLOW) <= 0, f"sideways scrolling at {width}px"
        shoot(page, f"webhooks-{width}")
    check_axe(page, "webhooks list")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name=f"Deliveries to {receiver.url}").click()
    log = page.locator("#delivery-log")
    expect(log.get_by_text("Failed")).to_be_visible()
    expect(log.get_by_text("still deploying")).to_be_visible()
    expect(log.get_by_text("The receiver answered 500.")).to_be_visible()
    mark_page(page)
    log.locator("tr", has_text="section.approved").get_by_role("button", name="Redeliver").click()
    expect(page.locator(".delivery-note")).to_have_text(
        "Redelivery of the section.approved event queued."
    )
    assert_no_reload(page)
    expect(log.get_by_text("redelivery", exact=True)).to_be_visible()
    page.get_by_role("button", name="Redeliver").first.focus()  # keyboard reachable
    run_queued_tasks()
    page.get_by_role("link", name="Refresh").click()
    expect(log.locator("tr", has=page.get_by_text("redelivery", exact=True))).to_contain_text(
        "Delivered"
    )
    assert len(receiver.received) == 4 and all(r.verified for r in receiver.received)
    shoot(page, "deliveries-1280")
    check_axe(page, "webhook delivery log")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate(OVERFLOW) <= 0, "sideways scrolling at 375px"
    shoot(page, "deliveries-375")
    page.goto(f"{page.url.split('/p/')[0]}/p/{project.slug}/webhooks/new/")
    shoot(page, "webhook-form-375")
    check_axe(page, "webhook form")
