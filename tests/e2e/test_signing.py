"""Signing with re-authentication in a real browser: a wrong password keeps the reason and
records nothing; the right one signs, and the table shows the signature record (name, UTC and
the signer's time, meaning, content hash, identity check). With and without JavaScript, at
1280 and 375 px."""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from planhub.accounts.models import Profile
from tests.factories import PASSWORD, add_member, make_plan

from .helpers import assert_no_reload, mark_page

pytestmark = pytest.mark.e2e

User = get_user_model()
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 375, "height": 800}


@pytest.fixture
def assigned(project, owner, reviewer):
    profile = Profile.of(reviewer)
    profile.display_name, profile.time_zone = "Rita Reviewer", "Europe/Berlin"
    profile.save()
    plan = make_plan(project, owner, text="# Launch plan\n\nWhy we launch.\n\n## Scope\n\nEU\n")
    plan.signoff_slots.get().assign(reviewer, by=owner)
    return plan


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280", "375"])
def test_sign_with_the_password(
    open_page, screenshot, console_errors, reviewer, assigned, viewport
):
    console_errors.allow(r"status of 422 .*/signoffs/\d+/$")  # the wrong password, on purpose
    page = open_page(reviewer, assigned.get_absolute_url(), viewport=viewport)
    mark_page(page)
    signoffs = page.locator("#signoffs")
    expect(signoffs).to_contain_text("Signing is a legal signature: confirm it is you")
    signoffs.get_by_label("Your decision on “Plan approval”").fill("Ship it")
    signoffs.get_by_label("Your password").fill("not my password")
    signoffs.get_by_role("button", name="Sign off").click()
    expect(signoffs.get_by_role("alert")).to_contain_text("That password is not right")
    expect(signoffs.get_by_label("Your decision on “Plan approval”")).to_have_value("Ship it")
    expect(signoffs).to_contain_text("You chose: Sign off")
    width = viewport["width"]
    screenshot(page, f"signing-refused-{width}")
    signoffs.get_by_label("Your password").fill(PASSWORD)
    signoffs.get_by_role("button", name="Sign off").click()
    expect(page.locator("#signoffs .status-badge")).to_have_text("✓Signed off")
    record = page.locator("#signoffs .signature-record")
    expect(record).to_contain_text("Rita Reviewer")
    expect(record).to_contain_text("UTC")
    expect(record).to_contain_text("Europe/Berlin")
    expect(record).to_contain_text("“Plan approval: approved”")
    expect(record).to_contain_text("identity: password")
    assert_no_reload(page)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.locator("#signoffs").scroll_into_view_if_needed()
    screenshot(page, f"signing-signed-{width}")


def test_sign_without_javascript(open_page, console_errors, reviewer, assigned):
    console_errors.allow(r"status of 403 .*/signoffs/\d+/$")  # the wrong password, on purpose
    page = open_page(reviewer, assigned.get_absolute_url(), javascript=False)
    signoffs = page.locator("#signoffs")
    signoffs.get_by_label("Your decision on “Plan approval”").fill("Not yet")
    signoffs.get_by_label("Your password").fill("wrong")
    signoffs.get_by_role("button", name="Decline").click()
    expect(page.get_by_role("alert").first).to_contain_text("That password is not right")
    expect(page.get_by_label("Your decision on “Plan approval”")).to_have_value("Not yet")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Decline").click()
    expect(page.locator("#signoffs .signature-record")).to_contain_text(
        "“Plan approval: declined: Not yet”"
    )


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280", "375"])
def test_sso_account_is_sent_to_its_provider(open_page, screenshot, project, owner, viewport):
    sam = User.objects.create_user("sam", password=None)
    SocialAccount.objects.create(user=sam, provider="corp", uid="7")
    add_member(project, sam, "reviewer")
    plan = make_plan(project, owner, text="# Launch plan\n\nWhy.\n")
    plan.signoff_slots.get().assign(sam, by=owner)
    page = open_page(sam, plan.get_absolute_url(), viewport=viewport)
    signoffs = page.locator("#signoffs")
    expect(signoffs).to_contain_text("You will log in again at corp")
    expect(signoffs.locator("input[type=password]")).to_have_count(0)
    signoffs.get_by_label("Your decision on “Plan approval”").fill("Risky")
    signoffs.get_by_role("button", name="Decline").click()
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    expect(page.locator(".signoff-pending")).to_contain_text("Decline: “Risky”")
    expect(page.get_by_role("button", name="Continue to corp")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, f"signing-sso-confirm-{viewport['width']}")


def test_sign_with_a_security_key(open_page, live_server, screenshot, reviewer, assigned, settings):
    """Chromium's virtual authenticator as the key (as in test_accounts.py): added on allauth's
    page, then asked by the sign-off form's script when Sign off is pressed."""
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    page = open_page(reviewer, "/", viewport=DESKTOP)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    page.goto(live_server.url + "/accounts/2fa/webauthn/add/")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Confirm")).click()
    page.get_by_label("Name").fill("Laptop key")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_label("Unused codes")).to_be_visible()

    page.goto(live_server.url + assigned.get_absolute_url())
    signoffs = page.locator("#signoffs")
    expect(signoffs).to_contain_text("Your security key is asked for when you sign off")
    signoffs.get_by_label("Your password").fill(PASSWORD)
    signoffs.get_by_role("button", name="Sign off").click()
    expect(page.locator("#signoffs .status-badge")).to_have_text("✓Signed off")
    expect(page.locator("#signoffs .signature-record")).to_contain_text(
        "identity: password+webauthn"
    )
    screenshot(page, "signing-security-key-1280")
