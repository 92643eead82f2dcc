import pytest
from django.urls import reverse

from planhub.api.models import ApiToken


def status_url(plan) -> str:
    return reverse("api_plan_status", args=[plan.pk])


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def owner_secret(owner):
    """A token of the project owner; the fixture gives its secret."""
    return ApiToken.issue(owner, "CI release check")[1]


@pytest.fixture
def outsider_secret(outsider):
    return ApiToken.issue(outsider, "Snooping")[1]
