"""How /api/plans/<id>/ knows its caller: a bearer token, else the session; what a bad token
is told. Who may read which plan (members only) is in tests/security/test_url_matrix.py."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from planhub.api.models import ApiToken

from .conftest import bearer, status_url


def assert_401(response, invalid_token: bool):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    assert ('error="invalid_token"' in challenge) is invalid_token


def assert_404(response):
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "No such plan, or you are not a member of its project."}


def test_no_credentials_get_a_bearer_challenge_without_an_error_code(client, plan):
    assert_401(client.get(status_url(plan)), invalid_token=False)


def test_bearer_scheme_is_case_insensitive(client, owner_secret, plan):
    response = client.get(status_url(plan), headers={"Authorization": f"bearer {owner_secret}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer ph_wrong", "Bearer ", "Bearer", "Token ph_x", "Basic b2xpdmlhOnB3"],
)
def test_wrong_or_malformed_token(client, owner_secret, plan, header):
    assert_401(client.get(status_url(plan), headers={"Authorization": header}), True)


def test_token_with_a_changed_character(client, owner_secret, plan):
    last = "A" if owner_secret[-1] != "A" else "B"
    assert_401(client.get(status_url(plan), headers=bearer(owner_secret[:-1] + last)), True)


def test_revoked_token(client, owner, owner_secret, plan):
    ApiToken.objects.filter(user=owner).delete()
    assert_401(client.get(status_url(plan), headers=bearer(owner_secret)), True)


def test_token_of_an_inactive_user(client, owner, owner_secret, plan):
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert_401(client.get(status_url(plan), headers=bearer(owner_secret)), True)


def test_a_wrong_token_is_refused_even_with_a_session(client, owner, plan):
    client.force_login(owner)
    assert_401(client.get(status_url(plan), headers=bearer("ph_wrong")), True)


def test_token_does_not_log_into_the_html_pages(client, owner_secret, plan):
    response = client.get(plan.get_absolute_url(), headers=bearer(owner_secret))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_missing_plan_looks_like_a_foreign_one(client, owner):
    client.force_login(owner)
    assert_404(client.get("/api/plans/999999/"))
    assert_404(client.get(f"/api/plans/{2**63}/"))  # beyond any id column


def test_last_used_is_recorded_at_most_once_a_minute(client, owner, owner_secret, plan):
    token = ApiToken.objects.get(user=owner)
    assert token.last_used_at is None

    client.get(status_url(plan), headers=bearer(owner_secret))
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None

    recent = timezone.now() - timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    client.get(status_url(plan), headers=bearer(owner_secret))
    token.refresh_from_db()
    assert token.last_used_at == recent  # not written again within the minute

    old = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    client.get(status_url(plan), headers=bearer(owner_secret))
    token.refresh_from_db()
    assert token.last_used_at > recent


def test_recent_use_costs_no_write(client, owner_secret, plan):
    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(status_url(plan), headers=bearer(owner_secret)).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    first, second = queries(), queries()
    assert [q for q in first if q.startswith("UPDATE")]
    assert not [q for q in second if q.startswith("UPDATE")]
    assert len(second) == len(first) - 1
