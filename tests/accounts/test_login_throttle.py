import threading

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from planhub.accounts.models import LoginFailure

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def attempt(client, username, password, ip="10.0.0.1", path=LOGIN, **headers):
    return client.post(
        path, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


@pytest.fixture
def password_checks(monkeypatch):
    """Every password actually checked against a user's hash (from any thread)."""
    checked = []
    check = AbstractBaseUser.check_password

    def counting_check(user, raw_password):
        checked.append(raw_password)
        return check(user, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counting_check)
    return checked


def test_five_failures_lock_the_account_with_a_clear_message(client, owner, password):
    for _ in range(5):
        response = attempt(client, "olivia", "wrong")
        assert (
            "The username and/or password you specified are not correct"
            in response.content.decode()
        )
    response = attempt(client, "olivia", password)  # even the right password is refused now
    html = response.content.decode()
    assert response.status_code == 200 and "Too many failed log-ins" in html
    assert "try again in 15 minutes" in html
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(username="olivia").count() == 5


def test_success_clears_failures(client, owner, password):
    for _ in range(3):
        attempt(client, "OLIVIA", "wrong")
    assert attempt(client, "olivia", password).status_code == 302
    assert not LoginFailure.objects.filter(username="olivia").exists()


@override_settings(LOGIN_FAILURES_PER_IP=3)
def test_one_address_guessing_many_accounts_is_slowed_down(client, owner, password):
    for name in ("a", "b", "c"):
        attempt(client, name, "x", ip="10.9.9.9")
    assert (
        "Too many failed log-ins"
        in attempt(client, "olivia", password, ip="10.9.9.9").content.decode()
    )
    assert attempt(client, "olivia", password, ip="10.1.1.1").status_code == 302


def test_old_failures_expire(client, owner, password):
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(5):
        attempt(client, "olivia", "wrong")
    LoginFailure.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "olivia", password).status_code == 302


@override_settings(LOGIN_FAILURES_PER_USER=3)
def test_the_wait_lasts_until_enough_failures_have_left_the_window(client, owner, password):
    """Failures 14, 10, 6, 2 and 1 minutes ago (the limit was lowered meanwhile): a log-in fits
    again once three have left the 15-minute window, in 9 minutes."""
    from datetime import timedelta

    from django.utils import timezone

    for minutes_ago in (14, 10, 6, 2, 1):
        failure = LoginFailure.objects.create(username="olivia", ip="10.0.0.1")
        LoginFailure.objects.filter(pk=failure.pk).update(
            created_at=timezone.now() - timedelta(minutes=minutes_ago)
        )
    assert "try again in 9 minutes" in attempt(client, "olivia", password).content.decode()
    assert LoginFailure.objects.count() == 5


def test_the_admin_log_in_is_throttled_too(client, owner, password, password_checks):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    for _ in range(40):
        attempt(client, "olivia", "wrong", path=ADMIN_LOGIN)
    response = attempt(client, "olivia", password, path=ADMIN_LOGIN)
    html = response.content.decode()
    assert response.status_code == 200 and "Too many failed log-ins" in html
    assert "try again in 15 minutes" in html
    assert "_auth_user_id" not in client.session
    assert password_checks == ["wrong"] * 5


def test_the_admin_and_the_log_in_page_share_one_count(client, owner, password):
    owner.is_staff = True
    owner.save()
    for path in (LOGIN, ADMIN_LOGIN, LOGIN, ADMIN_LOGIN, LOGIN):
        attempt(client, "olivia", "wrong", path=path)
    assert "Too many failed log-ins" in attempt(client, "olivia", password).content.decode()
    response = attempt(client, "olivia", password, path=ADMIN_LOGIN)
    assert "Too many failed log-ins" in response.content.decode()


def test_any_caller_of_authenticate_is_throttled(owner, password, password_checks):
    for _ in range(5):
        assert authenticate(None, username="olivia", password="wrong") is None
    assert authenticate(None, username="olivia", password=password) is None
    assert len(password_checks) == 5
    LoginFailure.objects.all().delete()
    assert authenticate(None, username="olivia", password=password) == owner


def test_unknown_accounts_are_counted_like_known_ones(client, db):
    for _ in range(5):
        attempt(client, "nobody", "wrong")
    assert "Too many failed log-ins" in attempt(client, "nobody", "x").content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_check_at_most_the_limit(owner, password, password_checks):
    """24 log-ins at once, each on its own connection: each is recorded before it counts the
    others, so no more than LOGIN_FAILURES_PER_USER passwords are checked. (Fewer may be, even
    none: an attempt refused in the crowd is counted by the others until it has dropped its
    row, so when all 24 are recorded before any counts, all are refused.)"""
    attempts = 24
    start = threading.Barrier(attempts)
    answers = []

    def wrong_password():
        try:
            start.wait()
            answers.append(attempt(Client(), "olivia", "wrong").content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=wrong_password) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    checked = len(password_checks)
    assert len(answers) == attempts and checked <= 5
    assert sum("Too many failed log-ins" in html for html in answers) == attempts - checked
    assert LoginFailure.objects.filter(username="olivia").count() == checked

    # The places left under the limit are still there, one by one, and then none are.
    client = Client()
    for _ in range(5 - checked):
        assert "are not correct" in attempt(client, "olivia", "wrong").content.decode()
    response = attempt(client, "olivia", password)
    assert response.status_code == 200 and "Too many failed log-ins" in response.content.decode()
    assert password_checks == ["wrong"] * 5


@pytest.mark.parametrize(
    "forwarded_for",
    ["1.2.3.4:5678", "[::1]", "[2001:db8::1]:443", "not-an-ip", "", ",,,", "1.2.3.4, ???"],
)
@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_odd_forwarded_for_values_never_break_the_log_in(client, owner, forwarded_for):
    response = attempt(client, "olivia", "wrong", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert response.status_code == 200
    assert "The username and/or password you specified are not correct" in response.content.decode()


@pytest.mark.parametrize("remote_addr", ["not-an-ip", "", "unix:/run/gunicorn.sock"])
def test_a_request_without_a_usable_peer_address_is_still_throttled_by_account(
    client, owner, password, remote_addr
):
    for _ in range(5):
        assert attempt(client, "olivia", "wrong", ip=remote_addr).status_code == 200
    html = attempt(client, "olivia", password, ip=remote_addr).content.decode()
    assert "Too many failed log-ins" in html


@override_settings(TRUSTED_PROXIES=["10.0.0.2"], LOGIN_FAILURES_PER_IP=3)
def test_forged_forwarded_addresses_do_not_escape_the_per_address_limit(client, owner, password):
    for n, name in enumerate(("a", "b", "c")):
        forged = f"198.51.100.{n}, 203.0.113.7"  # the proxy appended the real address
        attempt(client, name, "x", ip="10.0.0.2", HTTP_X_FORWARDED_FOR=forged)
    response = attempt(
        client, "olivia", password, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7"
    )
    assert "Too many failed log-ins" in response.content.decode()
    assert set(LoginFailure.objects.values_list("ip", flat=True)) == {"203.0.113.7"}
    # Another client behind the same proxy is not affected.
    response = attempt(
        client, "olivia", password, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8"
    )
    assert response.status_code == 302


def test_without_trusted_proxies_the_header_is_ignored(client, owner, settings):
    settings.TRUSTED_PROXIES = []
    attempt(client, "olivia", "wrong", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert LoginFailure.objects.get().ip == "10.0.0.2"


def test_wrong_old_passwords_on_password_change_share_the_throttle(
    client, owner, password, password_checks
):
    """A session left open cannot be used to guess the account's password."""
    client.force_login(owner)
    change = reverse("password_change")
    new = {"password1": "another-long-passphrase-7", "password2": "another-long-passphrase-7"}
    for _ in range(5):
        html = client.post(change, {"oldpassword": "wrong", **new}).content.decode()
        assert "Please type your current password" in html
    response = client.post(change, {"oldpassword": password, **new})
    assert response.status_code == 200
    assert "Too many wrong passwords" in response.content.decode()
    assert password_checks == ["wrong"] * 5
    owner.refresh_from_db()
    assert owner.check_password(password)
    assert "Too many failed log-ins" in attempt(Client(), "olivia", password).content.decode()


def test_the_right_old_password_changes_it_and_clears_the_failures(client, owner, password):
    client.force_login(owner)
    attempt(Client(), "olivia", "wrong")
    new = "another-long-passphrase-7"
    response = client.post(
        reverse("password_change"), {"oldpassword": password, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(new)
    assert not LoginFailure.objects.filter(username="olivia").exists()


@override_settings(LOGIN_FAILURES_PER_IP=3)
def test_an_ipv6_network_counts_as_one_address(client, owner, password):
    """New addresses from one /64 (what one subscriber gets) do not escape the limit."""
    for n, name in enumerate(("a", "b", "c"), start=1):
        attempt(client, name, "x", ip=f"2001:db8:1:2::{n}")
    refused = attempt(client, "olivia", password, ip="2001:db8:1:2:ffff::9")
    assert "Too many failed log-ins" in refused.content.decode()
    assert attempt(client, "olivia", password, ip="2001:db8:1:3::1").status_code == 302
