"""/accounts/tokens/: list, create (secret shown once), revoke."""

import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from planhub.api.models import ApiToken

from .conftest import bearer, status_url

TOKENS_URL = "/accounts/tokens/"
SECRET = re.compile(r"ph_[A-Za-z0-9_-]{43}")


def revoke_url(token) -> str:
    return reverse("api_token_revoke", args=[token.pk])


def test_url_name():
    assert reverse("api_tokens") == TOKENS_URL


def test_lists_only_my_tokens(client, owner, outsider):
    mine, _ = ApiToken.issue(owner, "CI release check")
    ApiToken.issue(outsider, "Someone else's")
    client.force_login(owner)
    response = client.get(TOKENS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "CI release check" in html
    assert f"{mine.prefix}…" in html
    assert "never" in html  # last used
    assert "Someone else" not in html


def test_empty_state(client, owner):
    client.force_login(owner)
    assert "You have no API tokens yet." in client.get(TOKENS_URL).content.decode()


def test_create_shows_the_secret_once(client, owner, plan):
    client.force_login(owner)
    response = client.post(TOKENS_URL, {"name": "  CI release check "})

    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    secrets_shown = SECRET.findall(html)
    assert len(secrets_shown) == 1
    secret = secrets_shown[0]
    assert "it will not be shown again" in html

    token = ApiToken.objects.get(user=owner)
    assert token.name == "CI release check"
    assert token.prefix == secret[:8]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(secret in value for value in stored)

    # Never again: the list shows only the prefix.
    html = client.get(TOKENS_URL).content.decode()
    assert secret not in html
    assert f"{token.prefix}…" in html
    # And it works.
    assert client.logout() is None
    assert client.get(status_url(plan), headers=bearer(secret)).status_code == 200


def test_each_token_has_its_own_secret(owner):
    one, first = ApiToken.issue(owner, "one")
    two, second = ApiToken.issue(owner, "two")
    assert first != second
    assert one.token_hash != two.token_hash
    assert SECRET.fullmatch(first) and SECRET.fullmatch(second)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the token a name"),
        ("   ", "Give the token a name"),
        ("x" * 101, "Keep the name to 100 characters or fewer (it has 101)."),
        ("Existing", "You already have a token called “Existing”"),
    ],
)
def test_bad_names(client, owner, name, message):
    ApiToken.issue(owner, "Existing")
    client.force_login(owner)
    response = client.post(TOKENS_URL, {"name": name})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert not SECRET.search(html)
    assert ApiToken.objects.filter(user=owner).count() == 1


def test_name_of_100_characters_is_fine(client, owner):
    client.force_login(owner)
    assert client.post(TOKENS_URL, {"name": "x" * 100}).status_code == 201


def test_another_user_may_reuse_a_name(client, owner, outsider):
    ApiToken.issue(outsider, "CI")
    client.force_login(owner)
    assert client.post(TOKENS_URL, {"name": "CI"}).status_code == 201


def test_create_needs_csrf(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(TOKENS_URL, {"name": "CI"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_revoke(client, owner, owner_secret, plan):
    token = ApiToken.objects.get(user=owner)
    client.force_login(owner)
    response = client.post(revoke_url(token), follow=True)
    assert response.redirect_chain == [(TOKENS_URL, 302)]
    assert "Revoked “CI release check”" in response.content.decode()
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    client.logout()
    assert client.get(status_url(plan), headers=bearer(owner_secret)).status_code == 401


def test_admin_shows_the_hash_read_only(client, owner, owner_secret):
    admin = get_user_model().objects.create_superuser("root", password="x")
    token = ApiToken.objects.get(user=owner)
    client.force_login(admin)
    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert token.token_hash in html
    assert 'name="token_hash"' not in html
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
