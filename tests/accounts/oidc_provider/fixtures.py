"""Fixtures and helpers for the SSO tests (tests/accounts/test_sso.py, tests/e2e/test_sso.py):
two running test providers and PlanHub pointed at them."""

import copy

import pytest

from planhub.accounts.sso_config import allauth_apps, form_action_origins, parse_providers

from . import process

CORP_USERS = [
    {"username": "ann", "email": "ann@example.com", "first_name": "Ann", "last_name": "Archer"},
    {"username": "lee", "email": "lee@example.com", "first_name": "Lee", "last_name": "Local"},
    # Claims lee's address without the provider vouching for it.
    {"username": "mallory-unverified", "email": "lee@example.com"},
    {"username": "una-unverified", "email": "una@example.com"},
]
PARTNER_USERS = [
    {"username": "pat", "email": "pat@partner.example", "first_name": "Pat", "last_name": "P"},
]


@pytest.fixture(scope="module")
def providers(live_server, tmp_path_factory):
    """Two providers, "corp" and "partner", each in its own process, for this test module."""
    workdir = tmp_path_factory.mktemp("oidc")
    started = [
        process.start(
            name, workdir, [f"{live_server.url}/accounts/oidc/{name}/login/callback/"], users
        )
        for name, users in (("corp", CORP_USERS), ("partner", PARTNER_USERS))
    ]
    try:
        yield {provider.name: process.wait_ready(provider) for provider in started}
    finally:
        for provider in started:
            provider.stop()


def environment(providers, **overrides) -> dict[str, str]:
    environ = {"OIDC_PROVIDERS": ",".join(providers), "OIDC_CORP_NAME": "Corp Login"}
    for name, provider in providers.items():
        prefix = f"OIDC_{name.upper()}_"
        environ |= {
            prefix + "ISSUER": provider.issuer,
            prefix + "CLIENT_ID": provider.client_id,
            prefix + "CLIENT_SECRET": provider.secret,
        }
    return environ | overrides


@pytest.fixture
def configure(settings, providers):
    """configure(signup="open", **OIDC variables): point PlanHub at the running providers
    through the parser settings.py uses (allauth reads SOCIALACCOUNT_PROVIDERS per request)."""

    original_policy = settings.CONTENT_SECURITY_POLICY

    def _configure(signup="open", **overrides):
        settings.SIGNUP = signup
        found = parse_providers(environment(providers, **overrides))
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": allauth_apps(found)}
        }
        policy = copy.deepcopy(original_policy)
        policy["DIRECTIVES"]["form-action"] += form_action_origins(found)
        settings.CONTENT_SECURITY_POLICY = policy

    _configure()
    return _configure
