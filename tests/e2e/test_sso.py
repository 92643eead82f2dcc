"""Single sign-on in a real browser, against the real test providers (second processes), with
screenshots of every SSO page at 1280 and 375 px wide, each checked by axe-core."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.accounts.oidc_provider import fixtures, process

from .test_accessibility import check_axe

pytestmark = pytest.mark.e2e

providers = fixtures.providers
configure = fixtures.configure


@pytest.fixture
def browser_page(new_context):
    return new_context(viewport={"width": 1280, "height": 800}).new_page()


@pytest.fixture
def shoot(screenshot):
    def _shoot(page, name: str) -> None:
        check_axe(page, f"sso-{name}")
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 800})
            screenshot(page, f"sso-{name}-{width}")
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not overflow, f"{name} scrolls sideways at {width} px"
        page.set_viewport_size({"width": 1280, "height": 800})

    return _shoot


def log_in_at_provider(page, live_server, provider_id: str, username: str, button: str) -> None:
    page.goto(f"{live_server.url}/accounts/oidc/{provider_id}/login/?next=/")
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(process.PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_first_sso_log_in_in_a_browser(browser_page, live_server, configure, shoot):
    page = browser_page
    page.goto(f"{live_server.url}/accounts/oidc/corp/login/?next=/")
    expect(page.get_by_role("heading", name="Log in with Corp Login")).to_be_visible()
    shoot(page, "continue")

    log_in_at_provider(page, live_server, "corp", "ann", "Continue to Corp Login")
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator(".whoami")).to_have_text("Ann Archer")  # the display name from the provider

    page.goto(live_server.url + "/accounts/3rdparty/")
    expect(page.get_by_role("heading", name="Single sign-on accounts")).to_be_visible()
    expect(page.get_by_role("radio", name="Corp Login: ann")).to_have_count(1)
    expect(page.get_by_role("button", name="Connect Partner")).to_be_visible()
    shoot(page, "connections")


def test_invitation_needed_page(browser_page, live_server, configure, shoot, console_errors):
    console_errors.allow(r"status of 403 \(Forbidden\) @ .*/login/callback/")
    configure(signup="invite")
    log_in_at_provider(browser_page, live_server, "partner", "pat", "Continue to Partner")
    expect(browser_page.get_by_role("heading", name="An invitation is needed")).to_be_visible()
    expect(browser_page.get_by_role("alert")).to_contain_text("pat@partner.example")
    shoot(browser_page, "invitation-needed")
    assert not get_user_model().objects.exists()


def test_account_exists_page(browser_page, live_server, configure, shoot, console_errors):
    console_errors.allow(r"status of 409 \(Conflict\) @ .*/login/callback/")
    user = get_user_model().objects.create_user("lee_local", "lee@example.com", "pw-123456")
    EmailAddress.objects.create(user=user, email="lee@example.com", verified=True, primary=True)
    log_in_at_provider(
        browser_page, live_server, "corp", "mallory-unverified", "Continue to Corp Login"
    )
    expect(
        browser_page.get_by_role("heading", name="This e-mail already has an account")
    ).to_be_visible()
    shoot(browser_page, "account-exists")


def test_failure_page(browser_page, live_server, configure, shoot, console_errors):
    console_errors.allow(r"status of 401 \(Unauthorized\) @ .*/login/callback/")
    configure(OIDC_CORP_CLIENT_SECRET="wrong")
    log_in_at_provider(browser_page, live_server, "corp", "ann", "Continue to Corp Login")
    expect(browser_page.get_by_role("heading", name="Single sign-on failed")).to_be_visible()
    expect(browser_page.get_by_role("alert")).to_have_text(
        re.compile("Corp Login could not log you in")
    )
    shoot(browser_page, "failed")
