"""Re-authentication to sign (docs/signing.md): the signer proves who they are in the request
that records the signature, and every failure counts against the log-in throttle.

- An account with a password gives it; when it has an authenticator app (TOTP), a current code
  too, checked by allauth's own TOTP validation (a code is accepted once: allauth marks it used).
- An account with a security key (WebAuthn) may confirm with it instead of a code: the browser
  asks the key (static/js/signing.js, with allauth's vendored webauthn-json) for an assertion on
  a challenge from `key_options`, checked by allauth's webauthn helpers (the challenge is used
  once).
- Recovery codes are not accepted: they are the way back into an account whose device is lost
  (log in with one, then set up a new authenticator), not a second factor to sign with.
- An account without a usable password (SSO only) is sent to its identity provider's log-in
  with `prompt=login` (and `max_age`, so that the ID token must say when): the caller keeps
  what is to be signed in the session (`start_sso`); the log-in that comes back counts only
  when it is this account's own provider account and the ID token's `auth_time` is after the
  signing started (`take_sso_confirmation`).

`confirm` returns how the identity was checked, as the signature record stores it.
"""

import json
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.webauthn.internal import auth as webauthn_auth
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from . import throttle

PASSWORD = "password"
PASSWORD_AND_TOTP = "password+totp"
PASSWORD_AND_WEBAUTHN = "password+webauthn"
# What is being signed while the signer re-authenticates at their identity provider.
SSO_SESSION_KEY = "planhub_signing_by_sso"
# An ID token's auth_time is in whole seconds, and the provider's clock may be a little behind.
SSO_CLOCK_SKEW = 5
# How long a pending signature waits for the provider's answer.
SSO_PENDING_SECONDS = 15 * 60


class ReauthenticationFailed(PermissionDenied):
    """The signer's identity was not confirmed; the message says why, for them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Needs:
    """What the signing form asks of an account: its password (and an authenticator code), or
    nothing here because it confirms at its identity provider (`provider`: its name)."""

    password: bool = True
    code: bool = False
    key: bool = False
    provider: str = ""

    @property
    def second_factor(self) -> bool:
        return self.code or self.key


def needs(user) -> Needs:
    account = sso_account(user)
    if account is not None:
        return Needs(password=False, provider=provider_name(account.provider))
    types = set(
        Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).values_list("type", flat=True)
    )
    return Needs(
        password=True,
        code=Authenticator.Type.TOTP in types,
        key=Authenticator.Type.WEBAUTHN in types,
    )


def _totp(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def key_options(user) -> dict:
    """A WebAuthn challenge for the signer's security keys (kept in the session by allauth,
    used once by `confirm`)."""
    return webauthn_auth.begin_authentication(user)


def _key_confirms(user, assertion: str) -> bool:
    try:
        webauthn_auth.complete_authentication(user, json.loads(assertion))
    except (ValueError, TypeError, KeyError, AttributeError, ValidationError):
        return False
    return True


def confirm(request, user, *, password: str, code: str = "", key: str = "") -> str:
    """Check the signer's password and, when they have a second factor, a TOTP code or a
    security key's assertion (`key`, the JSON the browser got), as one throttled attempt; the
    identity check's name, or ReauthenticationFailed."""
    if not user.has_usable_password():
        raise ReauthenticationFailed(
            "Your account has no password and no single sign-on provider to confirm a "
            "signature with. Set a password on your account page, then sign."
        )
    if not password:
        raise ReauthenticationFailed("Enter your password: signing needs it.")
    asked = needs(user)
    code = "".join(code.split())
    if asked.second_factor and not code and not key:
        raise ReauthenticationFailed(
            "Enter the code from your authenticator app as well."
            if asked.code
            else "Confirm with your security key as well (this needs JavaScript)."
        )
    use_key = bool(key) and asked.key and not code

    def check() -> bool:
        if not user.check_password(password):
            return False
        if use_key:
            return _key_confirms(user, key)
        return not asked.code or TOTP(_totp(user)).validate_code(code)

    try:
        confirmed = throttle.counted_check(user.get_username(), request, check)
    except throttle.LoginThrottled as refusal:
        raise ReauthenticationFailed(
            f"Too many failed attempts: try again in {refusal.minutes} minute"
            f"{'' if refusal.minutes == 1 else 's'}. Nothing was recorded."
        ) from None
    if not confirmed:
        if not asked.second_factor:
            raise ReauthenticationFailed("That password is not right. Nothing was recorded.")
        if use_key:
            raise ReauthenticationFailed(
                "That password or security key is not right. Nothing was recorded."
            )
        raise ReauthenticationFailed(
            "That password or authenticator code is not right (each code can be used once). "
            "Nothing was recorded."
        )
    if use_key:
        return PASSWORD_AND_WEBAUTHN
    return PASSWORD_AND_TOTP if asked.code else PASSWORD


def sso_account(user) -> SocialAccount | None:
    """The identity provider account an SSO-only user re-authenticates with (None when the
    account has a usable password: it signs with that)."""
    if user.has_usable_password():
        return None
    return SocialAccount.objects.filter(user=user).order_by("pk").first()


def provider_name(provider_id: str) -> str:
    """The provider's name as its log-in button says it ("Example Corp")."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    for app in apps:
        if app.get("provider_id") == provider_id:
            return app.get("name") or provider_id
    return provider_id


def start_sso(request, account: SocialAccount, pending: dict) -> None:
    """Keep `pending` (what the caller records once the signer is confirmed) in the session;
    the provider's log-in must come after this moment to count."""
    request.session[SSO_SESSION_KEY] = {
        **pending,
        "user": account.user_id,
        "provider": account.provider,
        "started_at": time.time(),
    }


def sso_login_url(provider_id: str, return_url: str) -> str:
    """allauth's log-in with the provider, asking it for a fresh log-in (whatever session the
    signer has there), coming back to `return_url`."""
    # prompt=login asks for a new log-in; max_age makes auth_time a required claim (which
    # note_sso_log_in checks: after the signing started). Not max_age=0: some providers
    # (django-oidc-provider) then refuse every log-in as too old, in a loop.
    query = urlencode(
        {
            "process": AuthProcess.REDIRECT,
            "next": return_url,
            "auth_params": "prompt=login&max_age=60",
        }
    )
    return f"{reverse('openid_connect_login', args=[provider_id])}?{query}"


def pending_sso(request, user) -> dict | None:
    """What this user is signing through their provider, if they still are."""
    pending = request.session.get(SSO_SESSION_KEY)
    if not pending or pending.get("user") != user.pk:
        return None
    if time.time() - pending.get("started_at", 0) > SSO_PENDING_SECONDS:
        return None
    return pending


def note_sso_log_in(sender, request, sociallogin, **kwargs) -> None:
    """allauth's pre_social_login, once the provider answered and the account was looked up:
    when it is the signer's own provider account, logged in afresh, mark the pending signature
    confirmed. The signer stays logged in as they were (process=redirect: allauth neither logs
    them out nor in, so the session and what it holds survive)."""
    if request is None or sociallogin.state.get("process") != AuthProcess.REDIRECT:
        return
    user = getattr(request, "user", None)
    pending = pending_sso(request, user) if user is not None and user.is_authenticated else None
    if pending is None or sociallogin.account.provider != pending["provider"]:
        return
    same_person = sociallogin.is_existing and sociallogin.user.pk == pending["user"]
    auth_time = (sociallogin.account.extra_data.get("id_token") or {}).get("auth_time")
    fresh = isinstance(auth_time, int | float) and auth_time >= (
        int(pending["started_at"]) - SSO_CLOCK_SKEW
    )
    pending["confirmed"] = f"sso:{pending['provider']}" if same_person and fresh else ""
    request.session[SSO_SESSION_KEY] = pending


def take_sso_confirmation(request, user) -> tuple[dict, str]:
    """The pending signature and its identity check ("sso:<provider>"), taken out of the
    session (used once); ReauthenticationFailed when the provider did not confirm a fresh
    log-in."""
    pending = pending_sso(request, user)
    request.session.pop(SSO_SESSION_KEY, None)
    if pending is None:
        raise ReauthenticationFailed(
            "Nothing is waiting to be signed (or it waited too long). Nothing was recorded: "
            "sign again."
        )
    if not pending.get("confirmed"):
        raise ReauthenticationFailed(
            "Your identity provider did not confirm a new log-in, so nothing was recorded. "
            "Sign again and log in at the provider when it asks."
        )
    return pending, pending["confirmed"]
