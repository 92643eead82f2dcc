"""Sign-up: open, by invitation only, with and without mail (verification)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from planhub.accounts.adapter import INVITATION_SESSION_KEY
from planhub.accounts.models import Profile
from planhub.mail.models import OutgoingMail

SIGNUP = "/accounts/signup/"
NEW = {
    "username": "nina",
    "email": "nina@example.com",
    "display_name": "Nina Novak",
    "password1": "a-long-new-passphrase-9",
    "password2": "a-long-new-passphrase-9",
}


@pytest.fixture
def open_signup(settings):
    settings.SIGNUP = "open"


def test_by_invitation_only_a_stranger_gets_a_clear_page_and_nothing_is_made(client, db):
    for response in (client.get(SIGNUP), client.post(SIGNUP, NEW)):
        html = response.content.decode()
        assert "Sign-up is by invitation only" in html
        assert "Ask an owner of the project you want to join to invite you" in html
    assert not get_user_model().objects.filter(username="nina").exists()
    assert "Sign up" not in client.get("/accounts/login/").content.decode()


def test_a_usable_invitation_in_the_session_opens_sign_up(client, owner, project):
    from planhub.invitations.models import Invitation

    invitation = Invitation.send(project, "nina@example.com", "viewer", by=owner, site_url="/")
    session = client.session
    session[INVITATION_SESSION_KEY] = invitation.token_hash
    session.save()
    assert 'name="username"' in client.get(SIGNUP).content.decode()
    assert client.post(SIGNUP, NEW).status_code == 302
    assert get_user_model().objects.filter(username="nina").exists()


def test_a_made_up_invitation_in_the_session_opens_nothing(client, db):
    session = client.session
    session[INVITATION_SESSION_KEY] = "some-invitation"
    session.save()
    assert "Sign-up is by invitation only" in client.get(SIGNUP).content.decode()
    client.post(SIGNUP, NEW)
    assert not get_user_model().objects.filter(username="nina").exists()


def test_without_mail_sign_up_logs_in_at_once(client, open_signup, db):
    html = client.get(SIGNUP).content.decode()
    for label in ("Username", "E-mail address", "Display name", "Password"):
        assert f">{label}</label>" in html
    response = client.post(SIGNUP, NEW)
    assert response.status_code == 302 and response["Location"] == "/"
    user = get_user_model().objects.get(username="nina")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Profile.of(user).display_name == "Nina Novak"
    assert not OutgoingMail.objects.exists()  # no mail is sent where there is none
    assert ">Nina Novak</a>" in client.get("/").content.decode()  # the top bar's name


def test_with_mail_the_address_is_verified_by_a_mailed_link(client, open_signup, settings, db):
    settings.EMAIL_URL = "console:"
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = client.post(SIGNUP, NEW)
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    [mail] = OutgoingMail.objects.all()
    assert mail.to == "nina@example.com" and mail.subject == "PlanHub: Confirm your e-mail address"
    assert mail.kind == "account/email_confirmation_signup" and "<a href=" in mail.html
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.text).group(1)

    # Until then, the account cannot log in.
    other = Client()
    login = {"login": "nina", "password": NEW["password1"]}
    assert other.post("/accounts/login/", login)["Location"] == "/accounts/confirm-email/"

    assert "nina@example.com" in client.get(link).content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nina@example.com").verified
    assert Client().post("/accounts/login/", login)["Location"] == "/"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"password2": "something-else-entirely"}, "You must type the same password each time."),
        ({"username": "olivia"}, "A user with that username already exists."),
        ({"email": "OLIVIA@example.com"}, "A user is already registered with this email address."),
        ({"password1": "short", "password2": "short"}, "This password is too short."),
    ],
)
def test_bad_input_is_explained_and_kept(client, open_signup, owner, change, message):
    owner.email = "olivia@example.com"
    owner.save()
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    response = client.post(SIGNUP, {**NEW, **change})
    html = response.content.decode()
    assert response.status_code == 200 and message in html and 'role="alert"' in html
    assert 'value="Nina Novak"' in html  # what was typed stays
    assert not get_user_model().objects.filter(username="nina").exists()
