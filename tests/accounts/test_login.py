"""Log-in by username or e-mail address (allauth), every path counted by the one throttle."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.test import Client

from planhub.accounts.models import LoginFailure

LOGIN = "/accounts/login/"


@pytest.fixture
def olivia(owner):
    owner.email = "olivia@example.com"
    owner.save()
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    return owner


def log_in(client, login, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("login", ["olivia", "OLIVIA", "olivia@example.com", "Olivia@Example.com"])
def test_log_in_by_username_or_email(client, olivia, password, login):
    response = log_in(client, login, password)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").context["user"] == olivia


def test_the_page_asks_for_username_or_email_with_labels(client, db):
    html = client.get(LOGIN).content.decode()
    assert '<label for="id_login">Username or e-mail address</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert 'autocomplete="current-password"' in html


def test_a_wrong_password_by_email_says_so_and_keeps_the_address(client, olivia):
    response = log_in(client, "olivia@example.com", "wrong")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct" in html
    assert 'value="olivia@example.com"' in html and 'role="alert"' in html


def test_email_log_in_is_throttled(client, olivia, password):
    for _ in range(5):
        log_in(client, "olivia@example.com", "wrong")
    html = log_in(client, "olivia@example.com", password).content.decode()
    assert "Too many failed log-ins" in html and "try again in 15 minutes" in html
    assert "_auth_user_id" not in client.session


def test_guesses_by_username_and_by_email_share_one_count(client, olivia, password):
    """Alternating the two names of one account does not double its allowance."""
    for login in ("olivia", "olivia@example.com", "OLIVIA", "olivia@EXAMPLE.com", "olivia"):
        log_in(client, login, "wrong")
    assert set(LoginFailure.objects.values_list("username", flat=True)) == {"olivia"}
    for login in ("olivia", "olivia@example.com"):
        assert "Too many failed log-ins" in log_in(Client(), login, password).content.decode()


def test_an_unknown_address_is_counted_like_a_known_one(client, db):
    for _ in range(5):
        log_in(client, "nobody@example.com", "wrong")
    assert "Too many failed log-ins" in log_in(client, "nobody@example.com", "x").content.decode()


def test_authenticate_by_email_is_throttled_too(olivia, password):
    for _ in range(5):
        assert authenticate(None, email="olivia@example.com", password="wrong") is None
    assert authenticate(None, username="olivia", password=password) is None
    LoginFailure.objects.all().delete()
    assert authenticate(None, email="olivia@example.com", password=password) == olivia


def test_re_authentication_is_throttled(client, olivia, password):
    """Re-entering the password (before a sensitive change) checks it through the throttle."""
    client.force_login(olivia)
    for _ in range(5):
        client.post("/accounts/reauthenticate/", {"password": "wrong"})
    assert LoginFailure.objects.filter(username="olivia").count() == 5
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 200  # refused: the form again, saying why
    assert "Too many failed log-ins" in response.content.decode()
    assert "Too many failed log-ins" in log_in(Client(), "olivia", password).content.decode()


def test_log_out_is_a_post_and_lands_on_the_log_in_page(client, olivia):
    client.force_login(olivia)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_with_mail_an_unverified_address_must_be_confirmed_first(client, owner, password, settings):
    settings.EMAIL_URL = "console:"
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    owner.email = "olivia@example.com"
    owner.save()  # no EmailAddress row: never verified
    response = log_in(client, "olivia", password)
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert "Confirm your e-mail address" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("path", [LOGIN, "/admin/login/"])
def test_an_overlong_login_is_refused_plainly_and_counted(client, db, path):
    """Longer than any username or address: not looked up (SQLite refuses such a pattern),
    answered like any wrong password, and counted."""
    login = "x" * 200_000
    data = {"login": login, "username": login, "password": "wrong"}
    response = client.post(path, data)
    assert response.status_code == 200
    assert LoginFailure.objects.get().username == "x" * 150
