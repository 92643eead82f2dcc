"""Password reset by e-mail: offered only when mail is configured (EMAIL_URL), and then it
works end to end through a real SMTP server."""

import email
import json
import os
import re
import socket
import subprocess
import sys
from email.policy import default as default_policy
from pathlib import Path

import dj_email_url
import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from planhub.accounts.models import LoginFailure
from planhub.mail.models import OutgoingMail
from tests.worker import run_db_worker, run_queued_tasks

RESET = "/accounts/password/reset/"
LINK = r"http://testserver(/accounts/password/reset/key/\S+/)"
NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture
def olivia(owner):
    owner.email = "olivia@example.com"
    owner.save()
    return owner


@pytest.fixture
def no_mail(settings):
    settings.EMAIL_URL = ""


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port, and the site's mail pointed at it through
    EMAIL_URL (as the settings read it). Yields the messages it receives."""

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.content, policy=default_policy)
            self.messages.append((envelope.rcpt_tos, message))
            return "250 Message accepted for delivery"

    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_URL = f"smtp://127.0.0.1:{port}"
    for name, value in dj_email_url.parse(settings.EMAIL_URL).items():
        setattr(settings, name, value)
    settings.DEFAULT_FROM_EMAIL = "PlanHub <plans@example.com>"
    try:
        yield inbox.messages
    finally:
        controller.stop()


def test_without_mail_the_log_in_page_offers_no_reset(client, no_mail, db):
    assert "Forgot your password?" not in client.get("/accounts/login/").content.decode()


def test_with_mail_the_log_in_page_offers_a_reset(client, settings, db):
    settings.EMAIL_URL = "console:"
    html = client.get("/accounts/login/").content.decode()
    assert f'<a href="{RESET}">Forgot your password?</a>' in html


def test_without_mail_reset_says_whom_to_ask_and_sends_nothing(client, olivia, no_mail):
    for response in (client.get(RESET), client.post(RESET, {"email": olivia.email})):
        html = response.content.decode()
        assert response.status_code == 200
        assert "Password reset by e-mail is not available" in html
        assert "Ask the person who runs PlanHub for your team" in html
    assert mail.outbox == [] and not OutgoingMail.objects.exists()
    for path in (
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/done/",
        "/accounts/password/reset/key/1-set-password/",
    ):
        assert "is not available" in client.get(path).content.decode()


def test_djangos_former_addresses_lead_to_the_new_pages(client, olivia, settings):
    settings.EMAIL_URL = "console:"
    assert client.get("/accounts/password_reset/")["Location"] == RESET
    assert client.get("/accounts/reset/MQ/set-password/")["Location"] == RESET
    assert client.get("/accounts/password_change/")["Location"] == "/accounts/password/change/"
    assert reverse("password_reset") == RESET and reverse("login") == "/accounts/login/"


def test_reset_by_email_end_to_end(client, olivia, smtp_server):
    form = client.get(RESET).content.decode()
    assert "Reset your password" in form and 'name="email"' in form
    response = client.post(RESET, {"email": "OLIVIA@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()

    assert smtp_server == []  # the worker sends it, never the web request
    assert run_queued_tasks() == 1
    [(recipients, message)] = smtp_server
    assert recipients == ["olivia@example.com"]
    assert message["From"] == "PlanHub <plans@example.com>"
    assert message["Subject"] == "PlanHub: Choose a new password"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "(olivia)" in text
    link = re.search(LINK, text).group(1)
    assert f'href="http://testserver{link}"' in html  # the HTML part has the link too

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/key/done/"
    assert "Your new password is set" in client.get(response["Location"]).content.decode()

    olivia.refresh_from_db()
    assert olivia.check_password(NEW_PASSWORD)
    for login in ("olivia", "olivia@example.com"):
        fresh = Client()
        response = fresh.post("/accounts/login/", {"login": login, "password": NEW_PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/"
    # The link worked once.
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, olivia, smtp_server):
    response = client.post(RESET, {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    assert run_queued_tasks() == 0
    assert smtp_server == []


def test_a_new_password_lifts_the_throttle(client, olivia, password, smtp_server):
    for _ in range(5):
        client.post("/accounts/login/", {"login": "olivia@example.com", "password": "wrong"})
    client.post(RESET, {"email": olivia.email})
    run_queued_tasks()
    [(_, message)] = smtp_server
    link = re.search(LINK, message.get_body(("plain",)).get_content()).group(1)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert not LoginFailure.objects.exists()
    login = {"login": "olivia", "password": NEW_PASSWORD}
    assert client.post("/accounts/login/", login).status_code == 302


def test_the_queued_job_holds_no_reset_link(client, olivia, smtp_server):
    """The job names the stored mail only; the link waits in the outbox, not the job queue."""
    client.post(RESET, {"email": olivia.email})
    [job] = DBTaskResult.objects.all()
    assert "key" not in json.dumps([job.args_kwargs]) and "/reset/" not in str(job.args_kwargs)
    run_queued_tasks()
    [(_, message)] = smtp_server
    assert "/accounts/password/reset/key/" in message.get_body(("plain",)).get_content()


def test_a_mail_server_that_refuses_leaves_the_page_answered_and_logs(
    client, olivia, settings, caplog
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    settings.EMAIL_URL = f"smtp://127.0.0.1:{port}"
    for name, value in dj_email_url.parse(settings.EMAIL_URL).items():
        setattr(settings, name, value)
    response = client.post(RESET, {"email": olivia.email})
    assert response.status_code == 302  # nothing in the request talked to the mail server
    run_queued_tasks()
    mail = OutgoingMail.objects.get()  # it waits in the outbox for its retry
    assert (mail.to, mail.state, mail.attempts) == ("olivia@example.com", "queued", 1)
    assert "refused" in mail.last_error.lower()
    assert DBTaskResult.objects.filter(status="READY", run_after=mail.next_attempt_at).exists()
    assert "attempt 1 failed" in caplog.text and "next attempt at" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_process_sends_the_mail(owner, smtp_server, settings):
    owner.email = "olivia@example.com"
    owner.save()
    client = Client()
    client.post(RESET, {"email": owner.email})
    worker = run_db_worker(EMAIL_URL=settings.EMAIL_URL, DEFAULT_FROM_EMAIL="plans@example.com")
    assert worker.returncode == 0, worker.stdout + worker.stderr
    [(recipients, message)] = smtp_server
    assert recipients == ["olivia@example.com"]
    assert "/accounts/password/reset/key/" in message.get_body(("plain",)).get_content()


def settings_in_a_fresh_process(**env) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
        "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.DEFAULT_FROM_EMAIL, sep='|')"
    )
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "planhub.settings",
        "SECRET_KEY": "x" * 50,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], env=environment,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("email_url", "expected"),
    [
        (
            "smtp://mailer:s%40cret@mail.example.com:587?tls=1",
            "smtp.EmailBackend|mail.example.com|587|mailer|s@cret|True|False",
        ),
        (
            "smtp://mailer:pw@mail.example.com:465?ssl=1",
            "smtp.EmailBackend|mail.example.com|465|mailer|pw|False|True",
        ),
        (
            "submission://mailer:pw@mail.example.com",
            "smtp.EmailBackend|mail.example.com|587|mailer|pw|True|False",
        ),
        ("smtp://127.0.0.1:2525", "smtp.EmailBackend|127.0.0.1|2525|None|None|False|False"),
        ("console:", "console.EmailBackend|"),
    ],
)
def test_email_url_configures_the_mail_backend(email_url, expected):
    result = settings_in_a_fresh_process(EMAIL_URL=email_url, DEFAULT_FROM_EMAIL="a@example.com")
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout and result.stdout.strip().endswith("|a@example.com")


def test_an_unknown_email_url_scheme_stops_the_start():
    result = settings_in_a_fresh_process(EMAIL_URL="smpt://mail.example.com")
    assert result.returncode != 0 and "EMAIL_URL: unknown scheme 'smpt'" in result.stderr
