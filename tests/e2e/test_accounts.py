"""Accounts in the browser: sign-up, log-in by e-mail, the profile, and setting up two-factor
authentication, each shot at 1280 and 375 px wide."""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from planhub.accounts.models import Profile

pytestmark = pytest.mark.e2e
WIDTHS = [1280, 375]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def log_in(page, live_server, login, password):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username or e-mail address").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + "/")


@pytest.mark.parametrize("width", WIDTHS)
def test_sign_up_when_open(open_page, live_server, screenshot, settings, width):
    settings.SIGNUP = "open"
    page = open_page(None, "/accounts/login/", viewport={"width": width, "height": 800})
    screenshot(page, f"login-{width}")
    assert fits(page)
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create your PlanHub account")).to_be_visible()
    page.get_by_label("Username").fill("nina")
    page.get_by_label("E-mail address").fill("nina@example.com")
    page.get_by_label("Display name").fill("Nina Novak")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password (again)").fill("short")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("alert").filter(has_text="too short")).to_be_visible()
    expect(page.get_by_label("Display name")).to_have_value("Nina Novak")
    screenshot(page, f"signup-error-{width}")
    assert fits(page)
    page.get_by_label("Password", exact=True).fill("a-long-new-passphrase-9")
    page.get_by_label("Password (again)").fill("a-long-new-passphrase-9")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    nina = get_user_model().objects.get(username="nina")
    assert Profile.of(nina).display_name == "Nina Novak"


def test_sign_up_by_invitation_only(open_page, screenshot, db):
    page = open_page(None, "/accounts/signup/", viewport={"width": 375, "height": 800})
    expect(page.get_by_role("heading", name="Sign-up is by invitation only")).to_be_visible()
    screenshot(page, "signup-closed-375")


@pytest.mark.parametrize("width", WIDTHS)
def test_profile_name_and_zone(open_page, live_server, screenshot, owner, password, width):
    owner.email = "olivia@example.com"
    owner.save()
    page = open_page(None, "/", viewport={"width": width, "height": 900})
    log_in(page, live_server, "olivia@example.com", password)  # by e-mail address
    page.goto(live_server.url + "/accounts/profile/")
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    page.get_by_label("Display name").fill("Olivia Owner")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    screenshot(page, f"profile-{width}")
    assert fits(page)
    assert Profile.of(owner).time_zone == "Europe/Berlin"
    expect(page.get_by_role("link", name="Notification preferences")).to_have_attribute(
        "href", "/notifications/preferences/"
    )
    page.get_by_role("link", name="Manage e-mail addresses").click()
    expect(page.get_by_role("heading", name=re.compile("Email Addresses", re.I))).to_be_visible()
    screenshot(page, f"email-addresses-{width}")
    assert fits(page)
    page.goto(live_server.url + "/accounts/profile/")
    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_label("Current password")).to_be_visible()
    screenshot(page, f"password-change-{width}")
    assert fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_set_up_two_factor_authentication(
    open_page, live_server, screenshot, owner, password, width
):
    page = open_page(None, "/", viewport={"width": width, "height": 900})
    log_in(page, live_server, "olivia", password)
    page.goto(live_server.url + "/accounts/profile/")
    page.get_by_role("link", name="Manage two-factor authentication").click()
    screenshot(page, f"mfa-index-{width}")
    page.get_by_role("link", name="Activate").first.click()
    # The password again first.
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Confirm")).click()
    secret = page.get_by_label("Authenticator secret").input_value()
    screenshot(page, f"mfa-setup-{width}")
    assert fits(page)
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(3)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // period))
    page.get_by_label("Authenticator code").fill(code)
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_label("Unused codes")).to_be_visible()
    screenshot(page, f"mfa-recovery-codes-{width}")
    assert fits(page)


def test_a_security_key_logs_in(open_page, live_server, screenshot, owner, password, settings):
    """WebAuthn with Chromium's virtual authenticator. Browsers allow it on HTTPS and
    localhost; over plain http the server accepts the origin only where DEBUG would."""
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    page = open_page(None, "/", viewport={"width": 1280, "height": 900})
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    log_in(page, live_server, "olivia", password)
    page.goto(live_server.url + "/accounts/2fa/webauthn/add/")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Confirm")).click()
    expect(page.get_by_role("heading", name="Add Security Key")).to_be_visible()
    page.get_by_label("Name").fill("Laptop key")
    screenshot(page, "mfa-security-key-1280")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_label("Unused codes")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username or e-mail address").fill("olivia")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    page.get_by_role("button", name="Use a security key").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()


def test_a_project_requiring_two_factor_sends_a_member_to_set_it_up(
    open_page, screenshot, project, editor, plan
):
    project.require_mfa = True
    project.save()
    page = open_page(editor, plan.get_absolute_url(), viewport={"width": 375, "height": 800})
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Apollo requires two-factor")).to_be_visible()
    screenshot(page, "mfa-required-375")
