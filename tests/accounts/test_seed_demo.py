"""The demo users (`make run`) log in by username and by e-mail address, also where mail is
configured and addresses must be verified."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client


@pytest.mark.parametrize("login", ["alice", "alice@example.com", "DAVE@example.com"])
def test_demo_users_log_in_by_username_and_email(db, settings, login):
    settings.EMAIL_URL = "console:"
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    out = io.StringIO()
    call_command("seed_demo", password="demo-pass-123", stdout=out)
    assert "alice  or alice@example.com" in out.getvalue()
    response = Client().post("/accounts/login/", {"login": login, "password": "demo-pass-123"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_seeding_twice_keeps_one_verified_primary_address_each(db):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    addresses = EmailAddress.objects.order_by("email")
    assert [(a.email, a.verified, a.primary) for a in addresses] == [
        (f"{name}@example.com", True, True) for name in ("alice", "bob", "carol", "dave")
    ]
