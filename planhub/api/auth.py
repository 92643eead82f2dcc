"""Who is calling the API: an `Authorization: Bearer <token>` header, else the session.

Tokens only authenticate API views (through `api_user`), never the HTML pages.
"""

from django.http import HttpRequest

from .models import ApiToken


class AuthenticationFailed(Exception):
    """The request carries no usable credentials; the message says why, for the caller."""

    def __init__(self, message: str, *, invalid_token: bool = False):
        super().__init__(message)
        self.invalid_token = invalid_token


def bearer_secret(request: HttpRequest) -> str | None:
    """The token in the Authorization header; None when there is no such header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise AuthenticationFailed(
            "Send the token as “Authorization: Bearer ph_…”.", invalid_token=True
        )
    return secret.strip()


def api_user(request: HttpRequest):
    """The calling user. A token given in the header is used even when a session exists: an
    explicit credential that is wrong must fail, not fall back to someone's browser login."""
    secret = bearer_secret(request)
    if secret is not None:
        token = ApiToken.objects.authenticate(secret)
        if token is None:
            raise AuthenticationFailed(
                "The API token is not valid (mistyped, revoked, or its user is inactive).",
                invalid_token=True,
            )
        token.mark_used()
        return token.user
    if request.user.is_authenticated:
        return request.user
    raise AuthenticationFailed(
        "Authentication required: log in, or send “Authorization: Bearer <token>” with a "
        "token from /accounts/tokens/."
    )
