"""Password reset in the browser, when mail is configured: the link on the log-in page, the
request, the mail (sent by the worker), the new password, and log-in with it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.worker import run_queued_tasks

NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture
def mail_configured(settings):
    settings.EMAIL_URL = "console:"  # the test runner keeps the mail in mail.outbox


@pytest.mark.e2e
@pytest.mark.parametrize("width", [1280, 375])
def test_a_forgotten_password_is_reset_by_email(
    open_page, live_server, screenshot, owner, mail_configured, width
):
    owner.email = "olivia@example.com"
    owner.save()
    page = open_page(None, "/accounts/login/", viewport={"width": width, "height": 800})
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_label(re.compile("mail", re.I)).fill("olivia@example.com")
    screenshot(page, f"password-reset-form-{width}")
    page.get_by_role("button", name=re.compile("Send")).click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    screenshot(page, f"password-reset-sent-{width}")

    assert run_queued_tasks() == 1
    [message] = mail.outbox
    link = re.search(r"http://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body).group(1)
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password (again)").fill(NEW_PASSWORD)
    screenshot(page, f"password-reset-choose-{width}")
    page.get_by_role("button", name=re.compile("password", re.I)).click()
    expect(page.get_by_role("heading", name="Your new password is set")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username or e-mail address").fill("olivia@example.com")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + "/")
