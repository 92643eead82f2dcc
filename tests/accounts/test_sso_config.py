"""OIDC_* environment → the providers (planhub/accounts/sso_config.py): no database."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from planhub.accounts.sso_config import (
    ID_PATTERN,
    OidcProvider,
    allauth_apps,
    form_action_origins,
    parse_providers,
)

CORP = {
    "OIDC_PROVIDERS": "corp",
    "OIDC_CORP_ISSUER": "https://sso.example.com/realms/corp",
    "OIDC_CORP_CLIENT_ID": "planhub",
    "OIDC_CORP_CLIENT_SECRET": "s3cret",
}


def env(**changes: str | None) -> dict[str, str]:
    result = dict(CORP)
    for name, value in changes.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result


def error_of(environ: dict[str, str]) -> str:
    with pytest.raises(ImproperlyConfigured) as caught:
        parse_providers(environ)
    return str(caught.value)


def test_no_providers_configured_means_no_sso():
    assert parse_providers({}) == []
    assert parse_providers({"OIDC_PROVIDERS": " , "}) == []


def test_one_provider():
    (corp,) = parse_providers(CORP)
    assert corp == OidcProvider(
        "corp", "Corp", "https://sso.example.com/realms/corp", "planhub", "s3cret"
    )
    assert corp.callback_path == "/accounts/oidc/corp/login/callback/"


def test_several_providers_in_their_order_with_names():
    environ = {
        **CORP,
        "OIDC_PROVIDERS": "Partner, corp",
        "OIDC_CORP_NAME": "Example Corp",
        "OIDC_PARTNER_ISSUER": "https://login.partner.example/",
        "OIDC_PARTNER_CLIENT_ID": "ph",
        "OIDC_PARTNER_CLIENT_SECRET": "x",
    }
    partner, corp = parse_providers(environ)
    assert (partner.id, partner.name, partner.issuer) == (
        "partner",
        "Partner",
        "https://login.partner.example",  # allauth appends /.well-known/...: no double slash
    )
    assert corp.name == "Example Corp"


def test_allauth_apps_shape_with_pkce():
    (app,) = allauth_apps(parse_providers(CORP))
    assert app == {
        "provider_id": "corp",
        "name": "Corp",
        "client_id": "planhub",
        "secret": "s3cret",
        "settings": {
            "server_url": "https://sso.example.com/realms/corp",
            "oauth_pkce_enabled": True,
        },
    }
    assert "verified_email" not in app["settings"]  # only the provider's claim counts


@pytest.mark.parametrize(
    "part", ["OIDC_CORP_ISSUER", "OIDC_CORP_CLIENT_ID", "OIDC_CORP_CLIENT_SECRET"]
)
@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_part_is_named(part, value):
    assert f"{part} is missing" in error_of(env(**{part: value}))


@pytest.mark.parametrize(
    ("issuer", "says"),
    [
        ("sso.example.com", "is not an https:// URL"),
        ("ftp://sso.example.com", "is not an https:// URL"),
        ("https://", "is not an https:// URL"),
        ("http://sso.example.com", "http only on loopback"),
        ("https://user:pw@sso.example.com", "no user name or password"),
        ("https://sso.example.com/?realm=x", "no query or fragment"),
        ("https://sso.example.com/#x", "no query or fragment"),
        ("https://sso.example.com:port", "is not a URL"),
        ("https://sso.example.com/a b", "is not a URL"),
        ("https://[::1/", "is not a URL"),
    ],
)
def test_a_bad_issuer_is_refused(issuer, says):
    message = error_of(env(OIDC_CORP_ISSUER=issuer))
    assert "OIDC_CORP_ISSUER" in message and says in message


@pytest.mark.parametrize(
    "issuer", ["http://127.0.0.1:8080/openid", "http://localhost:9000/realms/dev", "http://[::1]:1"]
)
def test_plain_http_only_on_loopback(issuer):
    (corp,) = parse_providers(env(OIDC_CORP_ISSUER=issuer))
    assert corp.issuer == issuer


@pytest.mark.parametrize(
    ("ids", "says"),
    [
        ("1corp", "'1corp' is not a provider id"),
        ("corp/evil", "is not a provider id"),
        ("co rp", "is not a provider id"),
        ("c" * 31, "is not a provider id"),
        ("corp,CORP", "names corp twice"),
        ("openid_connect", "is reserved"),
    ],
)
def test_a_bad_id_is_refused(ids, says):
    assert says in error_of(env(OIDC_PROVIDERS=ids))


def test_a_bad_client_id_or_name_is_refused():
    assert "OIDC_CORP_CLIENT_ID is not a client id" in error_of(
        env(OIDC_CORP_CLIENT_ID="has space")
    )
    assert "OIDC_CORP_CLIENT_ID" in error_of(env(OIDC_CORP_CLIENT_ID="x" * 192))
    assert "OIDC_CORP_NAME" in error_of(env(OIDC_CORP_NAME="x" * 41))
    assert "OIDC_CORP_CLIENT_SECRET" in error_of(env(OIDC_CORP_CLIENT_SECRET="a\x00b"))


def test_a_variable_for_an_unlisted_provider_is_a_typo():
    message = error_of({**CORP, "OIDC_CROP_CLIENT_ID": "planhub"})
    assert "OIDC_CROP_CLIENT_ID is set but OIDC_PROVIDERS does not list" in message
    assert "OIDC_PROVIDERS does not list 'corp'" in error_of(env(OIDC_PROVIDERS=None))


def test_other_oidc_variables_are_left_alone():
    assert len(parse_providers({**CORP, "OIDC_RP_SIGN_ALGO": "RS256", "OIDC_TIMEOUT": "3"})) == 1


# --- Generated -----------------------------------------------------------------------------

ids = st.from_regex(ID_PATTERN, fullmatch=True)
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){1,3}", fullmatch=True)
paths = st.from_regex(r"(/[A-Za-z0-9._~-]{1,12}){0,3}", fullmatch=True)
secrets = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF, categories=("L", "N", "P", "S")),
    min_size=1,
    max_size=80,
)
names = (
    st.text(
        alphabet=st.characters(max_codepoint=0x2FFF, categories=("L", "N"), include_characters=" "),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def configurations(draw):
    chosen = draw(
        st.lists(ids, min_size=1, max_size=4, unique=True).filter(
            lambda found: not {"openid_connect", "openid"} & set(found)
        )
    )
    providers = [
        OidcProvider(
            provider_id,
            draw(names),
            "https://" + draw(hosts) + draw(paths),
            draw(secrets),
            draw(secrets),
        )
        for provider_id in chosen
    ]
    return providers


def to_environ(providers: list[OidcProvider]) -> dict[str, str]:
    environ = {"OIDC_PROVIDERS": ",".join(p.id.upper() for p in providers)}
    for provider in providers:
        prefix = f"OIDC_{provider.id.upper()}_"
        environ |= {
            prefix + "ISSUER": provider.issuer + "/",
            prefix + "CLIENT_ID": provider.client_id,
            prefix + "CLIENT_SECRET": provider.client_secret,
            prefix + "NAME": provider.name,
        }
    return environ


@given(configurations())
def test_any_valid_configuration_round_trips(providers):
    parsed = parse_providers(to_environ(providers))
    assert parsed == providers
    apps = allauth_apps(parsed)
    assert [app["provider_id"] for app in apps] == [p.id for p in providers]
    assert all(app["settings"]["oauth_pkce_enabled"] for app in apps)


variable_names = st.sampled_from(
    ["OIDC_PROVIDERS"]
    + [
        f"OIDC_{i}_{part}"
        for i in ("CORP", "X", "A_B")
        for part in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "NAME")
    ]
)
any_text = st.text(max_size=40) | st.sampled_from(
    ["corp", "x,a_b", "https://a.example", "http://127.0.0.1:1"]
)


@given(st.dictionaries(variable_names, any_text, max_size=10))
def test_any_environment_parses_or_is_refused_with_a_message(environ):
    try:
        providers = parse_providers(environ)
    except ImproperlyConfigured as error:
        assert str(error).startswith("Single sign-on: ")
        return
    for provider in providers:
        assert ID_PATTERN.fullmatch(provider.id)
        assert provider.issuer.startswith(("https://", "http://"))
        assert provider.client_id and provider.client_secret and provider.name
        assert not provider.issuer.endswith("/")


def test_the_providers_origins_for_the_form_action_policy():
    environ = {
        **CORP,
        "OIDC_PROVIDERS": "corp,b,c",
        "OIDC_B_ISSUER": "https://sso.example.com/realms/b",
        "OIDC_C_ISSUER": "http://127.0.0.1:8080/openid",
        "OIDC_B_CLIENT_ID": "x",
        "OIDC_C_CLIENT_ID": "x",
        "OIDC_B_CLIENT_SECRET": "x",
        "OIDC_C_CLIENT_SECRET": "x",
    }
    assert form_action_origins(parse_providers(environ)) == [
        "http://127.0.0.1:8080",
        "https://sso.example.com",
    ]
