"""OpenID Connect providers from the environment (plain Python: settings.py calls it).

    OIDC_PROVIDERS=corp,partner
    OIDC_CORP_ISSUER=https://sso.example.com/realms/corp
    OIDC_CORP_CLIENT_ID=planhub
    OIDC_CORP_CLIENT_SECRET=...
    OIDC_CORP_NAME=Example Corp          (optional: the button says "Continue with Example Corp")

Each id becomes part of the callback URL (/accounts/oidc/<id>/login/callback/), so it is a
short lower-case word; its variables are named after it in upper case.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import ip_address
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,29}")
PARTS = ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "NAME")
# A provider variable (OIDC_<ID>_<PART>): one set for an id that OIDC_PROVIDERS does not list is
# a typo, reported rather than silently ignored.
VARIABLE_PATTERN = re.compile(r"OIDC_([A-Z0-9_]+?)_(ISSUER|CLIENT_ID|CLIENT_SECRET|NAME)")
# allauth looks a provider up by id before it looks up an app: an app named like a provider
# class would shadow it.
RESERVED_IDS = {"openid_connect", "openid"}
CLIENT_ID_MAX = 191  # allauth's SocialApp.client_id
NAME_MAX = 40
LOOPBACK_HOSTS = {"localhost"}


@dataclass(frozen=True)
class OidcProvider:
    id: str
    name: str
    issuer: str
    client_id: str
    client_secret: str

    @property
    def callback_path(self) -> str:
        return f"/accounts/oidc/{self.id}/login/callback/"

    @property
    def origin(self) -> str:
        url = urlsplit(self.issuer)
        return f"{url.scheme}://{url.netloc}"


def _fail(message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Single sign-on: {message} (see docs/sso.md)")


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _printable(value: str) -> bool:
    return value.isprintable() and value == value.strip()


def check_issuer(variable: str, value: str) -> str:
    """The issuer URL as allauth wants it (no trailing slash: it appends the discovery path)."""
    try:
        url = urlsplit(value)
        host = url.hostname or ""
        url.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise _fail(f"{variable}={value!r} is not a URL") from None
    if not _printable(value) or " " in value:
        raise _fail(f"{variable}={value!r} is not a URL")
    if url.scheme not in {"https", "http"} or not host:
        raise _fail(f"{variable}={value!r} is not an https:// URL")
    if url.scheme == "http" and not _is_loopback(host):
        raise _fail(f"{variable}={value!r}: an issuer must use https:// (http only on loopback)")
    if url.username is not None or url.password is not None:
        raise _fail(f"{variable}={value!r}: an issuer URL holds no user name or password")
    if url.query or url.fragment or value.endswith(("?", "#")):
        raise _fail(f"{variable}={value!r}: an issuer URL has no query or fragment")
    return value.rstrip("/")


def _required(environ: Mapping[str, str], variable: str) -> str:
    value = environ.get(variable, "").strip()
    if not value:
        raise _fail(f"{variable} is missing")
    return value


def parse_provider(environ: Mapping[str, str], provider_id: str) -> OidcProvider:
    prefix = f"OIDC_{provider_id.upper()}_"
    issuer = check_issuer(f"{prefix}ISSUER", _required(environ, f"{prefix}ISSUER"))
    client_id = _required(environ, f"{prefix}CLIENT_ID")
    if len(client_id) > CLIENT_ID_MAX or not _printable(client_id) or " " in client_id:
        raise _fail(
            f"{prefix}CLIENT_ID is not a client id (up to {CLIENT_ID_MAX} characters, "
            "no spaces or control characters)"
        )
    secret = _required(environ, f"{prefix}CLIENT_SECRET")
    if not _printable(secret):
        raise _fail(f"{prefix}CLIENT_SECRET holds control characters")
    name = environ.get(f"{prefix}NAME", "").strip() or provider_id.replace("_", " ").title()
    if len(name) > NAME_MAX or not name.isprintable():
        raise _fail(f"{prefix}NAME: up to {NAME_MAX} printable characters")
    return OidcProvider(provider_id, name, issuer, client_id, secret)


def parse_ids(value: str) -> list[str]:
    ids = [item.strip().lower() for item in value.split(",") if item.strip()]
    for provider_id in ids:
        if not ID_PATTERN.fullmatch(provider_id):
            raise _fail(
                f"OIDC_PROVIDERS: {provider_id!r} is not a provider id (a letter, then up to "
                "29 letters, digits or underscores)"
            )
        if provider_id in RESERVED_IDS:
            raise _fail(f"OIDC_PROVIDERS: {provider_id!r} is reserved, choose another id")
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise _fail(f"OIDC_PROVIDERS names {', '.join(duplicates)} twice")
    return ids


def parse_providers(environ: Mapping[str, str]) -> list[OidcProvider]:
    """Every provider OIDC_PROVIDERS lists, in its order; ImproperlyConfigured naming the
    variable that is missing or wrong."""
    ids = parse_ids(environ.get("OIDC_PROVIDERS", ""))
    expected = {f"OIDC_{provider_id.upper()}_{part}" for provider_id in ids for part in PARTS}
    for variable in sorted(environ):
        match = VARIABLE_PATTERN.fullmatch(variable)
        if match and variable not in expected and environ[variable].strip():
            raise _fail(
                f"{variable} is set but OIDC_PROVIDERS does not list {match.group(1).lower()!r}"
            )
    return [parse_provider(environ, provider_id) for provider_id in ids]


def allauth_apps(providers: list[OidcProvider]) -> list[dict]:
    """SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]: one app per provider, PKCE on.

    No "verified_email" setting: an address counts as verified only when the provider's own
    email_verified claim says so (planhub/accounts/social_adapter.py relies on that)."""
    return [
        {
            "provider_id": provider.id,
            "name": provider.name,
            "client_id": provider.client_id,
            "secret": provider.client_secret,
            "settings": {"server_url": provider.issuer, "oauth_pkce_enabled": True},
        }
        for provider in providers
    ]


def form_action_origins(providers: list[OidcProvider]) -> list[str]:
    """The providers' origins, for the CSP's form-action: browsers check a form's redirects
    too, and the log-in button's POST is answered by a redirect to the provider."""
    return sorted({provider.origin for provider in providers})
