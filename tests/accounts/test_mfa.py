"""Two-factor authentication (allauth.mfa): the real flow with codes computed by allauth's own
TOTP helpers, and projects that require it of their members."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client

from planhub.api.models import ApiToken

LOGIN = "/accounts/login/"


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now (never one about to expire)."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 2:
        time.sleep(2)
    counter = int(time.time()) // period
    return format_hotp_value(hotp_value(secret, counter))


def log_in(client, user, password):
    return client.post(LOGIN, {"login": user.username, "password": password})


def enrol_totp(client, user, password) -> str:
    """Log in, open the setup page, confirm with a code: returns the secret."""
    assert log_in(client, user, password)["Location"] == "/"
    # A change of sign-in method asks for the password again first.
    reauthenticate = client.get("/accounts/2fa/totp/activate/")["Location"]
    assert reauthenticate.startswith("/accounts/reauthenticate/?next=")
    page = client.post(reauthenticate, {"password": password}, follow=True)
    assert page.redirect_chain[-1][0] == "/accounts/2fa/totp/activate/"
    html = page.content.decode()
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in html  # shown for typing in, beside the QR code
    assert '<label for="id_code">' in html
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    return secret


def test_enrol_log_out_and_log_in_needs_a_code(owner, password, db):
    browser = Client()
    secret = enrol_totp(browser, owner, password)
    codes_page = browser.get("/accounts/2fa/recovery-codes/").content.decode()
    recovery = RecoveryCodes(Authenticator.objects.get(user=owner, type="recovery_codes"))
    codes = recovery.get_unused_codes()
    assert len(codes) == 10 and all(code in codes_page for code in codes)
    browser.post("/accounts/logout/")

    # The password alone no longer logs in: a code is asked for.
    browser = Client()
    response = log_in(browser, owner, password)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in browser.session
    page = browser.get(response["Location"]).content.decode()
    assert "Two-factor authentication" in page and 'name="code"' in page
    wrong = browser.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code." in wrong.content.decode()
    response = browser.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response["Location"] == "/"
    assert browser.session["_auth_user_id"] == str(owner.pk)


def test_a_recovery_code_works_once(owner, password, db):
    enrol_totp(Client(), owner, password)
    [code, *_] = RecoveryCodes(
        Authenticator.objects.get(user=owner, type="recovery_codes")
    ).get_unused_codes()

    first = Client()
    log_in(first, owner, password)
    assert first.post("/accounts/2fa/authenticate/", {"code": code})["Location"] == "/"

    second = Client()
    log_in(second, owner, password)
    response = second.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200 and "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in second.session
    remaining = RecoveryCodes(Authenticator.objects.get(user=owner, type="recovery_codes"))
    assert len(remaining.get_unused_codes()) == 9


def test_the_profile_says_whether_two_factor_is_on(owner, password, db):
    browser = Client()
    log_in(browser, owner, password)
    assert "Two-factor authentication:\n    <strong>off</strong>" in browser.get(
        "/accounts/profile/"
    ).content.decode().replace("\r", "")
    browser = Client()
    enrol_totp(browser, owner, password)
    html = browser.get("/accounts/profile/").content.decode()
    assert "<strong>on</strong>" in html and "authenticator app" in html


# --- Projects that require it -------------------------------------------------------------


@pytest.fixture
def strict(project):
    project.require_mfa = True
    project.save()
    return project


def test_a_member_without_it_is_sent_to_set_it_up(client, strict, editor, plan):
    client.force_login(editor)
    for url in (strict.get_absolute_url(), plan.get_absolute_url(), f"/p/{strict.slug}/members/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/", url
    html = client.get("/accounts/2fa/").content.decode()
    assert "Apollo requires two-factor authentication" in html
    # Elsewhere the account works as before.
    assert client.get("/").status_code == 200


def test_an_htmx_request_is_redirected_by_header(client, strict, editor, plan):
    client.force_login(editor)
    response = client.get(plan.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert response.status_code == 403 and response["HX-Redirect"] == "/accounts/2fa/"


def test_a_member_with_it_gets_in(strict, owner, password, plan):
    browser = Client()
    enrol_totp(browser, owner, password)
    assert browser.get(plan.get_absolute_url()).status_code == 200


def test_an_api_token_of_a_member_without_it_gets_a_clear_403(client, strict, editor, plan):
    _, secret = ApiToken.issue(user=editor, name="ci")
    response = client.get(f"/api/plans/{plan.pk}/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    assert response.json() == {
        "error": "Apollo requires two-factor authentication: set up an authenticator app or a "
        "security key to open it.",
        "code": "mfa_required",
    }


def test_an_outsider_still_gets_404(client, strict, outsider, plan):
    client.force_login(outsider)
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_an_owner_cannot_require_it_without_it_themselves(client, project, owner):
    client.force_login(owner)
    data = {
        "name": "Apollo",
        "description": "",
        "required_approvals": "1",
        "allow_self_approval": "",
        "placeholders_block_approval": "on",
        "require_mfa": "on",
    }
    response = client.post(f"/p/{project.slug}/settings/", data)
    assert response.status_code == 422
    assert "Set up two-factor authentication for yourself first" in response.content.decode()
    project.refresh_from_db()
    assert not project.require_mfa


def test_an_owner_with_it_requires_it(project, owner, password):
    browser = Client()
    enrol_totp(browser, owner, password)
    html = browser.get(f"/p/{project.slug}/settings/").content.decode()
    assert "Members must use two-factor authentication" in html
    data = {
        "name": "Apollo",
        "description": "",
        "required_approvals": "1",
        "placeholders_block_approval": "on",
        "require_mfa": "on",
    }
    assert browser.post(f"/p/{project.slug}/settings/", data).status_code == 302
    project.refresh_from_db()
    assert project.require_mfa
