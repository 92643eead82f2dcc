"""Unsubscribe links: one click, per event type, no log-in; GET asks, POST does it (also the
RFC 8058 one-click POST a mail client makes, without cookie or CSRF token)."""

import re

import pytest
from django.test import Client

from planhub.notifications.models import Preference
from planhub.notifications.notify import notify
from planhub.notifications.unsubscribe import make_token
from tests.worker import run_queued_tasks


def deliveries(user) -> dict:
    return Preference.deliveries([user.pk])[user.pk]


def link(user, *events) -> str:
    return f"/notifications/unsubscribe/{make_token(user.pk, events)}/"


def test_get_asks_and_changes_nothing(client, rita):
    html = client.get(link(rita, "mention")).content.decode()
    assert "Stop sending e-mail to <strong>rita@example.com</strong>" in html
    assert "<li>Someone mentioned me</li>" in html and ">Unsubscribe</button>" in html
    assert deliveries(rita)["mention"] == "immediately"


def test_the_button_unsubscribes_from_that_event_only(rita):
    client = Client(enforce_csrf_checks=True)
    response = client.post(link(rita, "mention"))
    assert response.status_code == 200 and "<strong>Done.</strong>" in response.content.decode()
    assert deliveries(rita)["mention"] == "never"
    assert deliveries(rita)["review_requested"] == "immediately"


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "x" * 600,
        make_token(1, ["mention"])[:-3] + "abc",
        "..",
        make_token(10**9, ["mention"]),
    ],
)
def test_a_bad_link_says_so(client, rita, token):
    for method in (client.get, client.post):
        response = method(f"/notifications/unsubscribe/{token}/")
        assert response.status_code == 400
        assert (
            "not valid" in response.content.decode()
            or "no longer exists" in response.content.decode()
        )
    assert not Preference.objects.exists()


def test_a_token_naming_an_unknown_event_is_refused(client, rita):
    from django.core import signing

    from planhub.notifications.unsubscribe import SALT

    token = signing.dumps({"u": rita.pk, "e": ["mention", "everything"]}, salt=SALT)
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 400


def test_the_one_click_header_of_a_real_mail_works(plan, owner, rita, smtp):
    notify("mention", [rita], title="Hi", url="/", actor=owner, plan=plan)
    run_queued_tasks()
    [message] = smtp.messages
    url = re.search(r"<https://plans\.example\.com(/\S+)>", message["List-Unsubscribe"]).group(1)
    mail_client = Client(enforce_csrf_checks=True)  # no session, no CSRF token
    response = mail_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    notify("mention", [rita], title="Again", url="/", actor=owner, plan=plan)
    run_queued_tasks()
    assert len(smtp.messages) == 1  # no more mentions by mail
    assert rita.notifications.count() == 2  # still in the inbox
