"""Re-authentication to sign (docs/signing.md): the signer proves who they are in the request
that records the signature, and every failure counts against the log-in throttle.

- An account with a password gives it; when it has an authenticator app (TOTP), a current code
  too, checked by allauth's own TOTP validation (a code is accepted once: allauth marks it used).
- Recovery codes are not accepted: they are the way back into an account whose device is lost
  (log in with one, then set up a new authenticator), not a second factor to sign with.
- An account without a usable password (SSO only) cannot sign here yet: the message says so.

`confirm` returns how the identity was checked, as the signature record stores it.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import PermissionDenied

from . import throttle

PASSWORD = "password"
PASSWORD_AND_TOTP = "password+totp"


class ReauthenticationFailed(PermissionDenied):
    """The signer's identity was not confirmed; the message says why, for them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def needs_totp(user_id: int) -> bool:
    """Whether the signing form asks this account for an authenticator code too."""
    return Authenticator.objects.filter(user_id=user_id, type=Authenticator.Type.TOTP).exists()


def _totp(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def confirm(request, user, *, password: str, code: str = "") -> str:
    """Check the signer's password (and TOTP code when they have an authenticator app), as one
    throttled attempt; the identity check's name, or ReauthenticationFailed."""
    if not user.has_usable_password():
        raise ReauthenticationFailed(
            "Your account signs in through single sign-on and has no password to confirm a "
            "signature with. Set a password on your account page, then sign."
        )
    if not password:
        raise ReauthenticationFailed("Enter your password: signing needs it.")
    authenticator = _totp(user)
    code = "".join(code.split())
    if authenticator is not None and not code:
        raise ReauthenticationFailed("Enter the code from your authenticator app as well.")

    def check() -> bool:
        if not user.check_password(password):
            return False
        return authenticator is None or TOTP(authenticator).validate_code(code)

    try:
        confirmed = throttle.counted_check(user.get_username(), request, check)
    except throttle.LoginThrottled as refusal:
        raise ReauthenticationFailed(
            f"Too many failed attempts: try again in {refusal.minutes} minute"
            f"{'' if refusal.minutes == 1 else 's'}. Nothing was recorded."
        ) from None
    if not confirmed:
        if authenticator is None:
            raise ReauthenticationFailed("That password is not right. Nothing was recorded.")
        raise ReauthenticationFailed(
            "That password or authenticator code is not right (each code can be used once). "
            "Nothing was recorded."
        )
    return PASSWORD if authenticator is None else PASSWORD_AND_TOTP
