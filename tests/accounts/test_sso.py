"""Single sign-on end to end: PlanHub (pytest-django's live_server) against two real OpenID
Connect providers (django-oidc-provider, tests/accounts/oidc_provider/), each in its own process
on a free loopback port. A requests.Session plays the browser: it follows every redirect between
the servers and submits the provider's log-in form with its CSRF token."""

import html
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from planhub.accounts.adapter import INVITATION_SESSION_KEY
from planhub.accounts.models import Profile
from planhub.mail.models import OutgoingMail

from .oidc_provider import fixtures, process

User = get_user_model()
providers = fixtures.providers
configure = fixtures.configure

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf(page: requests.Response) -> str:
    match = CSRF_FIELD.search(page.text)
    assert match, f"no CSRF field on {page.url}: {page.text[:300]}"
    return match.group(1)


def sso_login(live_server, provider_id: str, username: str, session=None):
    """Click through a whole SSO log-in as a browser would; the last response and the session."""
    browser = session or requests.Session()
    start = browser.get(f"{live_server.url}/accounts/oidc/{provider_id}/login/?next=/")
    assert start.status_code == 200, start.text[:500]
    assert "Continue to" in start.text and "PlanHub" in start.text  # PlanHub's page
    at_provider = browser.post(start.url, data={"csrfmiddlewaretoken": csrf(start)})
    assert "Test identity provider" in at_provider.text, at_provider.text[:500]
    authorize = next(
        r for r in at_provider.history if "/openid/authorize" in r.headers.get("Location", "")
    )
    next_field = re.search(r'name="next" value="([^"]*)"', at_provider.text).group(1)
    answer = browser.post(
        urljoin(at_provider.url, "/login/"),
        data={
            "csrfmiddlewaretoken": csrf(at_provider),
            "username": username,
            "password": process.PASSWORD,
            "next": html.unescape(next_field),
        },
    )
    answer.authorize_url = authorize.headers["Location"]
    return answer, browser


def logged_in_as(live_server, browser) -> str | None:
    """The name the top bar shows (the display name, else the username), or None."""
    dashboard = browser.get(live_server.url + "/", allow_redirects=False)
    if dashboard.status_code != 200:
        return None
    return re.search(r'class="whoami"[^>]*>([^<]*)</', dashboard.text).group(1)


def mails_to(address: str) -> list[str]:
    """Subjects of every mail to `address`, sent directly or queued in PlanHub's outbox."""
    direct = [m.subject for m in mail.outbox if address in m.to]
    queued = list(OutgoingMail.objects.filter(to__iexact=address).values_list("subject", flat=True))
    return direct + queued


def test_first_log_in_creates_the_account_with_the_verified_email(live_server, configure):
    answer, browser = sso_login(live_server, "corp", "ann")

    assert answer.status_code == 200 and urlsplit(answer.url).path == "/"
    assert logged_in_as(live_server, browser) == "Ann Archer"
    user = User.objects.get()
    assert (user.username, user.email) == ("ann", "ann@example.com")
    assert not user.has_usable_password()
    assert Profile.of(user).display_name == "Ann Archer"
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("ann@example.com", True, True)
    assert mails_to("ann@example.com") == []  # verified by the provider: no verification mail
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("corp", "1")
    # PKCE on: the authorization request carried an S256 challenge.
    query = parse_qs(urlsplit(answer.authorize_url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]


def test_later_log_ins_reuse_the_account_also_under_invite_only(live_server, configure):
    sso_login(live_server, "corp", "ann")
    answer, browser = sso_login(live_server, "corp", "ann")  # a new browser, a new session
    assert urlsplit(answer.url).path == "/"
    assert logged_in_as(live_server, browser) == "Ann Archer"

    configure(signup="invite")  # the rule is for new accounts only
    answer, browser = sso_login(live_server, "corp", "ann")
    assert logged_in_as(live_server, browser) == "Ann Archer"
    assert User.objects.count() == 1 and SocialAccount.objects.count() == 1


def test_invite_only_refuses_a_stranger_and_creates_nothing(live_server, configure):
    configure(signup="invite")
    answer, browser = sso_login(live_server, "corp", "ann")

    assert answer.status_code == 403
    assert "An invitation is needed" in answer.text and "ann@example.com" in answer.text
    assert "No account was created" in answer.text
    assert logged_in_as(live_server, browser) is None
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists() and not EmailAddress.objects.exists()


def test_two_providers_both_work(live_server, configure):
    partner_answer, partner_browser = sso_login(live_server, "partner", "pat")
    corp_answer, corp_browser = sso_login(live_server, "corp", "ann")

    assert logged_in_as(live_server, partner_browser) == "Pat P"
    assert logged_in_as(live_server, corp_browser) == "Ann Archer"
    # Both providers number their first user 1: PlanHub tells them apart by provider.
    accounts = {(a.provider, a.uid): a.user.username for a in SocialAccount.objects.all()}
    assert accounts == {("partner", "1"): "pat", ("corp", "1"): "ann"}


def test_the_pages_before_the_provider(live_server, configure, providers):
    """The buttons, the "Continue?" page, an unknown provider, an unreachable one."""
    request = RequestFactory().get("/accounts/login/?next=/p/x/")
    snippet = render_to_string("socialaccount/snippets/provider_list.html", request=request)
    assert "Continue with Corp Login" in snippet and "Continue with Partner" in snippet
    assert 'action="/accounts/oidc/corp/login/?next=%2Fp%2Fx%2F"' in snippet
    assert snippet.count('method="post"') == 2
    page = requests.get(f"{live_server.url}/accounts/oidc/corp/login/")
    assert "Log in with Corp Login" in page.text
    # The providers' origins are the only other place a form may lead to.
    policy = page.headers["Content-Security-Policy"]
    form_action = re.search(r"form-action ([^;]*)", policy).group(1).split()
    origins = sorted(p.issuer.removesuffix("/openid") for p in providers.values())
    assert form_action == ["'self'", *origins]
    assert requests.get(f"{live_server.url}/accounts/oidc/nope/login/").status_code == 404

    # Back from the provider: a forged state is refused, a cancel is said so.
    callback = f"{live_server.url}/accounts/oidc/corp/login/callback/"
    forged = requests.get(callback, params={"code": "x", "state": "forged"})
    assert forged.status_code == 401 and "Single sign-on failed" in forged.text
    browser = requests.Session()
    start = browser.get(f"{live_server.url}/accounts/oidc/corp/login/")
    to_provider = browser.post(
        start.url, data={"csrfmiddlewaretoken": csrf(start)}, allow_redirects=False
    )
    state = parse_qs(urlsplit(to_provider.headers["Location"]).query)["state"][0]
    cancelled = browser.get(callback, params={"error": "access_denied", "state": state})
    assert urlsplit(cancelled.url).path == "/accounts/3rdparty/login/cancelled/"
    assert "You cancelled the log-in" in cancelled.text

    configure(OIDC_PARTNER_ISSUER="http://127.0.0.1:9/openid")  # the discard port: refused
    browser = requests.Session()
    start = browser.get(f"{live_server.url}/accounts/oidc/partner/login/")
    answer = browser.post(start.url, data={"csrfmiddlewaretoken": csrf(start)})
    assert answer.status_code == 401
    assert "Partner could not log you in" in answer.text


def test_a_wrong_client_secret_ends_on_a_clear_error_page(live_server, configure, caplog):
    configure(OIDC_CORP_CLIENT_SECRET="not-the-secret")
    answer, browser = sso_login(live_server, "corp", "ann")

    assert answer.status_code == 401
    assert "Single sign-on failed" in answer.text
    assert "Corp Login could not log you in" in answer.text
    assert "not-the-secret" not in answer.text
    assert logged_in_as(live_server, browser) is None
    assert not User.objects.exists()
    assert "Single sign-on with corp failed" in caplog.text


def local_account(username, email, *, verified=True, **fields):
    user = User.objects.create_user(username, email, "local-password-1", **fields)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def test_a_verified_email_logs_in_to_the_existing_account(live_server, configure):
    lee = local_account("lee_local", "lee@example.com")
    answer, browser = sso_login(live_server, "corp", "lee")

    assert logged_in_as(live_server, browser) == "lee_local"
    assert SocialAccount.objects.get().user == lee  # connected: later log-ins need no e-mail
    assert User.objects.count() == 1
    lee.refresh_from_db()
    assert lee.check_password("local-password-1")  # the owner's password keeps working


@pytest.mark.parametrize(
    ("provider_user", "local"),
    [
        ("mallory-unverified", {}),  # the provider does not vouch for the address
        ("lee", {"verified": False}),  # PlanHub never verified the local account's address
        ("lee", {"is_staff": True}),  # an administrator: connect explicitly, never by e-mail
        ("lee", {"is_superuser": True}),
    ],
    ids=["unverified-at-provider", "unverified-in-planhub", "staff", "superuser"],
)
def test_no_takeover_by_email(live_server, configure, provider_user, local):
    lee = local_account("lee_local", "lee@example.com", **local)
    answer, browser = sso_login(live_server, "corp", provider_user)

    assert answer.status_code == 409
    assert "This e-mail already has an account" in answer.text
    assert "Nothing was created or changed" in answer.text
    assert logged_in_as(live_server, browser) is None
    assert not SocialAccount.objects.exists() and User.objects.count() == 1
    lee.refresh_from_db()
    assert lee.check_password("local-password-1")


def test_claims_without_a_subject_end_on_the_error_page(live_server, configure, settings):
    # As if the provider left out the claim that identifies the person.
    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["settings"]["uid_field"] = "oid"
    answer, browser = sso_login(live_server, "corp", "ann")

    assert answer.status_code == 401 and "Corp Login could not log you in" in answer.text
    assert not User.objects.exists()


def test_an_unverified_provider_email_is_stored_unverified(live_server, configure, settings):
    settings.EMAIL_URL = "console:"  # a site that sends mail verifies addresses
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    sso_login(live_server, "corp", "una-unverified")

    address = EmailAddress.objects.get(email="una@example.com")
    assert not address.verified
    assert address.user.username == "una-unverified"
    assert mails_to("una@example.com")  # PlanHub verifies it itself


def test_invite_only_lets_in_a_stranger_holding_an_invitation(live_server, configure):
    from planhub.invitations.models import Invitation
    from tests.factories import make_project, make_user

    configure(signup="invite")
    olivia = make_user("olivia")
    project = make_project(olivia, slug="apollo")
    invitation = Invitation.send(project, "pat@partner.example", "editor", by=olivia, site_url="/")
    session = SessionStore()
    session[INVITATION_SESSION_KEY] = invitation.token_hash  # as an invitation link leaves it
    session.save()
    browser = requests.Session()
    browser.cookies.set(django_settings.SESSION_COOKIE_NAME, session.session_key)

    answer, browser = sso_login(live_server, "partner", "pat", session=browser)

    assert urlsplit(answer.url).path == "/"
    assert logged_in_as(live_server, browser) == "Pat P"
    pat = SocialAccount.objects.get().user
    assert pat.email == "pat@partner.example"
    assert project.memberships.get(user=pat).role == "editor"


def test_invite_only_refuses_a_stranger_whose_invitation_was_withdrawn(live_server, configure):
    from planhub.invitations.models import Invitation
    from tests.factories import make_project, make_user

    configure(signup="invite")
    olivia = make_user("olivia")
    project = make_project(olivia, slug="apollo")
    invitation = Invitation.send(project, "pat@partner.example", "editor", by=olivia, site_url="/")
    session = SessionStore()
    session[INVITATION_SESSION_KEY] = invitation.token_hash
    session.save()
    invitation.revoke(by=olivia)
    browser = requests.Session()
    browser.cookies.set(django_settings.SESSION_COOKIE_NAME, session.session_key)

    answer, browser = sso_login(live_server, "partner", "pat", session=browser)

    assert answer.status_code == 403 and "An invitation is needed" in answer.text
    assert not SocialAccount.objects.exists()


def test_the_connections_page_keeps_the_only_way_in(live_server, configure):
    answer, browser = sso_login(live_server, "corp", "ann")
    page = browser.get(f"{live_server.url}/accounts/3rdparty/")
    assert page.status_code == 200 and "Single sign-on accounts" in page.text
    account = SocialAccount.objects.get()
    assert f'value="{account.pk}"' in page.text

    refused = browser.post(
        f"{live_server.url}/accounts/3rdparty/",
        data={"csrfmiddlewaretoken": csrf(page), "account": account.pk},
    )
    assert "Your account has no password set up." in refused.text
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_a_logged_in_person_connects_a_provider_to_their_account(live_server, configure):
    """The way out of "This e-mail already has an account": log in, then connect."""
    lee = local_account("lee_local", "lee@example.com", verified=False)
    client = Client()
    client.force_login(lee)
    browser = requests.Session()
    browser.cookies.set(
        django_settings.SESSION_COOKIE_NAME,
        client.cookies[django_settings.SESSION_COOKIE_NAME].value,
    )
    page = browser.get(f"{live_server.url}/accounts/3rdparty/")
    assert "No single sign-on account is connected" in page.text
    at_provider = browser.post(
        f"{live_server.url}/accounts/oidc/corp/login/",
        data={"csrfmiddlewaretoken": csrf(page), "process": "connect"},
    )
    next_field = re.search(r'name="next" value="([^"]*)"', at_provider.text).group(1)
    back = browser.post(
        urljoin(at_provider.url, "/login/"),
        data={
            "csrfmiddlewaretoken": csrf(at_provider),
            "username": "lee",
            "password": process.PASSWORD,
            "next": html.unescape(next_field),
        },
    )

    assert urlsplit(back.url).path == "/accounts/3rdparty/"
    assert "Corp Login: lee@example.com" in back.text
    assert SocialAccount.objects.get().user == lee
    # From now on the provider logs lee in, whatever the e-mail says.
    answer, fresh = sso_login(live_server, "corp", "lee")
    assert logged_in_as(live_server, fresh) == "lee_local"


def test_single_sign_on_does_not_skip_two_factor_authentication(live_server, configure):
    lee = local_account("lee_local", "lee@example.com")
    TOTP.activate(lee, generate_totp_secret())
    answer, browser = sso_login(live_server, "corp", "lee")

    assert urlsplit(answer.url).path == "/accounts/2fa/authenticate/"
    assert logged_in_as(live_server, browser) is None
