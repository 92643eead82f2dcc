"""The owners' pages: list, add, edit, delete, the delivery log and Redeliver. Access for every
role is in tests/security/test_url_matrix.py; here: it works, bad input, the HTMX variant."""

import re

import pytest
from django.urls import reverse

from planhub.webhooks.events import WebhookEvent
from planhub.webhooks.models import Delivery, Webhook
from tests.factories import make_project
from tests.worker import run_queued_tasks

from .conftest import SECRET


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def webhook(project, owner):
    return Webhook.objects.create(
        project=project,
        url="https://hooks.example.com/planhub",
        secret=SECRET,
        events=["section.approved", "plan.approved"],
        created_by=owner,
    )


def form_data(**changes):
    return {
        "url": "https://hooks.example.com/new",
        "secret": "a-long-enough-secret-value",
        "events": ["section.approved", "comment.created"],
        "format": "planhub",
        "active": "on",
        **changes,
    }


def test_the_list_shows_each_webhook_and_its_last_delivery(owner_client, project, webhook):
    Delivery.objects.create(webhook=webhook, event="plan.approved", body="{}", state="failed")
    page = owner_client.get(reverse("webhooks", args=[project.slug])).content.decode()
    assert "https://hooks.example.com/planhub" in page
    total = len(WebhookEvent.choices)  # review.requested made it 9
    assert f"2 of {total}" in page and total == 9 and "Failed" in page
    assert reverse("webhook_deliveries", args=[project.slug, webhook.pk]) in page


def test_the_list_without_webhooks_says_how_to_start(owner_client, project):
    page = owner_client.get(reverse("webhooks", args=[project.slug])).content.decode()
    assert "No webhooks yet" in page and reverse("webhook_new", args=[project.slug]) in page


def test_the_list_costs_the_same_queries_for_many_webhooks(
    owner_client, project, webhook, django_assert_max_num_queries
):
    for n in range(10):
        hook = Webhook.objects.create(project=project, url=f"https://e.com/{n}", secret=SECRET)
        Delivery.objects.create(webhook=hook, event="plan.approved", body="{}")
    with django_assert_max_num_queries(8):
        owner_client.get(reverse("webhooks", args=[project.slug]))


def test_the_settings_page_links_to_webhooks(owner_client, project):
    page = owner_client.get(reverse("project_settings", args=[project.slug])).content.decode()
    assert reverse("webhooks", args=[project.slug]) in page


def test_the_new_form_offers_a_generated_secret_and_every_event(owner_client, project):
    page = owner_client.get(reverse("webhook_new", args=[project.slug])).content.decode()
    secret = re.search(r'<input[^>]*name="secret"[^>]*value="([^"]*)"', page).group(1)
    assert len(secret) >= 40
    other = owner_client.get(reverse("webhook_new", args=[project.slug])).content.decode()
    assert secret not in other, "every form gets its own secret"
    assert page.count('type="checkbox" name="events"') == len(WebhookEvent.choices)
    assert "<legend>Events to send" in page


def test_adding_a_webhook(owner_client, project, owner):
    response = owner_client.post(reverse("webhook_new", args=[project.slug]), form_data())
    assert response.status_code == 302 and response["Location"] == f"/p/{project.slug}/webhooks/"
    webhook = Webhook.objects.get()
    assert webhook.url == "https://hooks.example.com/new" and webhook.created_by == owner
    assert webhook.events == ["section.approved", "comment.created"] and webhook.active
    assert webhook.secret == "a-long-enough-secret-value"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "is a link-local address"),
        ({"url": "http://[::1]:8000/"}, "::1 is a loopback address"),
        ({"url": "http://10.0.0.7/hook"}, "10.0.0.7 is a private address"),
        ({"url": "file:///etc/passwd"}, "Use an http:// or https:// URL."),
        ({"url": ""}, "This field is required."),
        ({"url": "https://e.com/" + "a" * 2000}, "at most 2000 characters"),
        ({"events": []}, "Choose at least one event to send."),
        ({"events": ["section.exploded"]}, "Select a valid choice."),
        ({"secret": "short"}, "at least 16 characters"),
        ({"secret": "ünïcödé-secret-value"}, "printable ASCII"),
        ({"format": "xml"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_the_text_kept(
    owner_client, project, changes, message
):
    data = form_data(**changes)
    response = owner_client.post(reverse("webhook_new", args=[project.slug]), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert not Webhook.objects.exists()
    assert 'value="a-long-enough-secret-value"' in page or "secret" in changes


def test_editing_a_webhook(owner_client, project, webhook):
    url = reverse("webhook_edit", args=[project.slug, webhook.pk])
    page = owner_client.get(url).content.decode()
    assert 'value="https://hooks.example.com/planhub"' in page and SECRET in page
    data = form_data(url="https://hooks.example.com/v2", format="slack", active="")
    assert owner_client.post(url, data).status_code == 302
    webhook.refresh_from_db()
    assert (webhook.url, webhook.format, webhook.active) == (
        "https://hooks.example.com/v2",
        "slack",
        False,
    )


def test_editing_to_an_unsafe_url_changes_nothing(owner_client, project, webhook):
    url = reverse("webhook_edit", args=[project.slug, webhook.pk])
    response = owner_client.post(url, form_data(url="http://127.0.0.1/admin"))
    assert response.status_code == 422 and "loopback" in response.content.decode()
    webhook.refresh_from_db()
    assert webhook.url == "https://hooks.example.com/planhub"


def test_deleting_a_webhook_deletes_its_log(owner_client, project, webhook):
    Delivery.objects.create(webhook=webhook, event="plan.approved", body="{}")
    response = owner_client.post(reverse("webhook_delete", args=[project.slug, webhook.pk]))
    assert response.status_code == 302
    assert not Webhook.objects.exists() and not Delivery.objects.exists()


def test_another_projects_webhook_is_not_found_through_this_one(owner_client, project, owner):
    elsewhere = make_project(owner=owner, slug="elsewhere", name="Elsewhere")
    theirs = Webhook.objects.create(project=elsewhere, url="https://e.com/", secret=SECRET)
    for name in ["webhook_edit", "webhook_deliveries"]:
        assert owner_client.get(reverse(name, args=[project.slug, theirs.pk])).status_code == 404
    assert (
        owner_client.post(reverse("webhook_delete", args=[project.slug, theirs.pk])).status_code
        == 404
    )
    assert Webhook.objects.filter(pk=theirs.pk).exists()


def test_the_delivery_log(owner_client, project, webhook):
    Delivery.objects.create(
        webhook=webhook,
        event="plan.approved",
        body="{}",
        state="failed",
        attempts=6,
        response_status=502,
        response_excerpt="<html>Bad gateway</html>",
        error="The receiver answered 502.",
    )
    page = owner_client.get(reverse("webhook_deliveries", args=[project.slug, webhook.pk]))
    text = page.content.decode()
    assert "plan.approved" in text and "Failed" in text and "502" in text
    assert "&lt;html&gt;Bad gateway&lt;/html&gt;" in text, "the excerpt is shown escaped"
    assert "Redeliver" in text


def test_the_delivery_log_htmx_refresh_is_the_log_alone(owner_client, project, webhook):
    url = reverse("webhook_deliveries", args=[project.slug, webhook.pk])
    response = owner_client.get(url, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="delivery-log"') and "<html" not in text


def test_redeliver_queues_a_new_delivery_of_the_same_body(
    owner_client, project, webhook, receiver, django_capture_on_commit_callbacks
):
    Webhook.objects.filter(pk=webhook.pk).update(url=receiver.url)
    original = Delivery.objects.create(
        webhook=webhook, event="plan.approved", body='{"event": "plan.approved"}', state="failed"
    )
    url = reverse("webhook_redeliver", args=[project.slug, webhook.pk, original.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url)
    assert response.status_code == 302
    again = Delivery.objects.exclude(pk=original.pk).get()
    assert again.body == original.body and again.redelivery_of == original
    run_queued_tasks()
    [got] = receiver.received
    assert got.body == b'{"event": "plan.approved"}' and got.verified
    again.refresh_from_db()
    assert again.state == "succeeded"


def test_redeliver_by_htmx_answers_the_log_with_a_note(owner_client, project, webhook):
    original = Delivery.objects.create(webhook=webhook, event="plan.approved", body="{}")
    url = reverse("webhook_redeliver", args=[project.slug, webhook.pk, original.pk])
    response = owner_client.post(url, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200 and 'id="delivery-log"' in text
    assert "Redelivery of the plan.approved event queued." in text
    assert text.count('<tr id="delivery-') == 2


def test_redeliver_of_another_webhooks_delivery_is_not_found(owner_client, project, webhook):
    other = Webhook.objects.create(project=project, url="https://e.com/", secret=SECRET)
    theirs = Delivery.objects.create(webhook=other, event="plan.approved", body="{}")
    url = reverse("webhook_redeliver", args=[project.slug, webhook.pk, theirs.pk])
    assert owner_client.post(url).status_code == 404
    assert Delivery.objects.count() == 1
