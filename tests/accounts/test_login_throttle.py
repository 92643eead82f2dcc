from django.test import override_settings

from planhub.accounts.models import LoginFailure

LOGIN = "/accounts/login/"


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_with_a_clear_message(client, owner, password):
    for _ in range(5):
        response = attempt(client, "olivia", "wrong")
        assert "Please enter a correct username and password" in response.content.decode()
    response = attempt(client, "olivia", password)  # even the right password is refused now
    html = response.content.decode()
    assert response.status_code == 200 and "Too many failed log-ins" in html
    assert "try again in 15 minutes" in html
    assert "_auth_user_id" not in client.session
    # Another account from another address is not affected.
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
