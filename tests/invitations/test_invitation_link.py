"""/invitations/<token>/: the invitee joins (logged in), logs in first, or signs up through it;
every link that cannot be used says why and whom to ask, and changes nothing."""

import json
from datetime import timedelta
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from planhub.accounts.adapter import INVITATION_SESSION_KEY
from planhub.invitations.models import Invitation
from planhub.notifications.models import Event, Notification
from planhub.projects.models import Membership
from tests.factories import add_member, make_user

from .conftest import INVITEE

SIGNUP = {
    "username": "ivy",
    "email": INVITEE,
    "password1": "a-long-new-passphrase-7",
    "password2": "a-long-new-passphrase-7",
}


@pytest.fixture
def published(project):
    """What the project's webhook is sent (the deliveries' stored bodies, in order)."""
    from planhub.webhooks.models import Delivery, Webhook

    Webhook.objects.create(
        project=project, url="https://hooks.example.com/", secret="s" * 20, events=["member.joined"]
    )

    def sent() -> list:
        return [(d.event, json.loads(d.body)["data"]) for d in Delivery.objects.order_by("pk")]

    return sent


def user_with_address(username: str, address: str = INVITEE, *, verified_row: bool = False):
    user = make_user(username)
    if verified_row:
        EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)
    else:
        user.email = address
        user.save()
    return user


def membership_of(username: str):
    return Membership.objects.filter(user__username=username, project__slug="apollo").first()


def test_the_page_names_project_role_and_inviter(client, invited):
    _, link = invited
    response = client.get(link)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Join Apollo" in html
    assert "olivia invited <strong>ivy@example.com</strong>" in html
    assert "Editor" in html and "creates plans and edits sections" in html
    assert "Create an account and join" in html
    assert "no-store" in response["Cache-Control"]  # a proxy never keeps a link's page


def test_sign_up_through_the_link_joins_with_the_role(client, invited, settings, published, owner):
    settings.SIGNUP = "invite"
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    invitation, link = invited
    assert 'name="password1"' not in client.get("/accounts/signup/").content.decode()

    response = client.post(f"{link}signup/")
    assert response.status_code == 302
    signup_url = response["Location"]
    assert signup_url == f"/accounts/signup/?next={link}"
    form = client.get(signup_url)
    assert form.status_code == 200 and f'value="{INVITEE}"' in form.content.decode()

    response = client.post(signup_url, SIGNUP, follow=True)
    assert response.redirect_chain[-1][0] == "/p/apollo/"
    assert "Welcome to Apollo: you joined as Editor." in response.content.decode()
    ivy = membership_of("ivy")
    assert ivy is not None and ivy.role == "editor"
    assert EmailAddress.objects.filter(user=ivy.user, email=INVITEE, verified=True).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == ivy.user and invitation.state == "accepted"
    assert INVITATION_SESSION_KEY not in client.session

    [note] = Notification.objects.filter(recipient=owner)
    assert note.event == Event.INVITATION_ACCEPTED and note.actor == ivy.user
    assert note.title == "ivy accepted your invitation to Apollo"
    assert published() == [
        (
            "member.joined",
            {
                "title": "ivy joined as editor",
                "url": "http://127.0.0.1:8000/p/apollo/members/",
                "actor": "ivy",
                "user": "ivy",
                "role": "editor",
                "invited_by": "olivia",
            },
        )
    ]
    # The link worked once: someone else cannot use it again.
    other = Client()
    used = other.get(link)
    assert used.status_code == 410
    assert "This invitation has already been used. Ask olivia" in used.content.decode()


def test_without_the_link_sign_up_stays_closed(client, db, settings):
    settings.SIGNUP = "invite"
    from django.contrib.auth import get_user_model

    assert 'name="password1"' not in client.get("/accounts/signup/").content.decode()
    client.post("/accounts/signup/", SIGNUP)
    assert not get_user_model().objects.filter(username="ivy").exists()


def test_logged_in_with_the_address_joins(client, invited, published):
    invitation, link = invited
    ivy = user_with_address("ivy")
    client.force_login(ivy)
    page = client.get(link).content.decode()
    assert "Join Apollo as Editor" in page
    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == "/p/apollo/"
    assert membership_of("ivy").role == "editor"
    assert [event for event, _ in published()] == ["member.joined"]


def test_a_verified_allauth_address_counts(client, invited):
    _, link = invited
    ivy = user_with_address("ivy", "IVY@example.com", verified_row=True)
    client.force_login(ivy)
    assert client.post(link).status_code == 302
    assert membership_of("ivy").role == "editor"


def test_an_unverified_address_does_not_count(client, invited):
    _, link = invited
    ivy = make_user("ivy")
    EmailAddress.objects.create(user=ivy, email=INVITEE, verified=False, primary=False)
    client.force_login(ivy)
    assert client.post(link).status_code == 403
    assert membership_of("ivy") is None


def test_logged_out_with_an_account_logs_in_then_joins(client, invited, password):
    _, link = invited
    user_with_address("ivy")
    page = client.get(link).content.decode()
    login = f"/accounts/login/?next={link}"
    assert "already has a PlanHub account" in page and f'href="{login}"' in page
    # Creating another account for the address is not offered, nor allowed.
    signup = client.post(f"{link}signup/")
    assert signup["Location"] == login
    assert INVITATION_SESSION_KEY not in client.session

    # "username" for Django's log-in form, "login" for allauth's: whichever serves the page.
    credentials = {"username": "ivy", "login": "ivy", "password": password, "next": link}
    response = client.post(login, credentials)
    assert response.status_code == 302 and response["Location"] == link
    assert client.post(link).status_code == 302
    assert membership_of("ivy").role == "editor"


def test_anonymous_join_is_sent_to_log_in(client, invited):
    _, link = invited
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={link}"
    assert Invitation.objects.get().state == "pending"


def test_a_different_logged_in_account_is_told_which_address_and_offered_log_out(
    client, invited, outsider
):
    invitation, link = invited
    client.force_login(outsider)
    page = client.get(link).content.decode()
    assert "This invitation is for <strong>ivy@example.com</strong>" in page
    assert "you are logged in as\n      <strong>oscar</strong>" in page
    assert 'action="/accounts/logout/"' in page and f'name="next" value="{link}"' in page

    refused = client.post(link)
    assert refused.status_code == 403
    assert "This invitation is for ivy@example.com; you are logged in as oscar" in (
        refused.content.decode()
    )
    assert "Log out and open the invitation again" in refused.content.decode()
    assert membership_of("oscar") is None
    assert Invitation.objects.get().state == "pending"

    logged_out = client.post("/accounts/logout/", {"next": link})
    assert logged_out["Location"] == link
    assert "Create an account and join" in client.get(link).content.decode()


def test_an_existing_member_with_the_address_keeps_their_role(client, invited, published):
    _, link = invited
    ivy = user_with_address("ivy")
    add_member(Invitation.objects.get().project, ivy, "owner")
    client.force_login(ivy)
    response = client.post(link, follow=True)
    assert "You were already a member of Apollo as Owner; your role is unchanged." in (
        response.content.decode()
    )
    assert membership_of("ivy").role == "owner"
    assert Invitation.objects.get().state == "accepted"
    assert published() == []


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, 410, "This invitation expired on"),
        ({"revoked_at": timezone.now()}, 410, "This invitation was withdrawn. Ask olivia"),
        ({"accepted_at": timezone.now()}, 410, "This invitation has already been used."),
    ],
    ids=["expired", "revoked", "used"],
)
def test_an_unusable_link_says_why_and_changes_nothing(client, invited, change, status, says):
    invitation, link = invited
    Invitation.objects.filter(pk=invitation.pk).update(**change)
    ivy = user_with_address("ivy")
    client.force_login(ivy)
    for response in (client.get(link), client.post(link), client.post(f"{link}signup/")):
        assert response.status_code == status
        html = response.content.decode()
        assert says in html and "Apollo" in html
    assert membership_of("ivy") is None


def test_an_unknown_link_is_404_with_whom_to_ask(client, invited):
    _, link = invited
    wrong = link[:-5] + ("AAAA/" if not link.endswith("AAAA/") else "BBBB/")
    for response in (client.get(wrong), client.post(wrong), client.post(f"{wrong}signup/")):
        assert response.status_code == 404
        assert "Ask the person who invited you to send it again." in response.content.decode()
    assert Invitation.objects.get().state == "pending"


def test_an_expired_invitation_fails_after_sign_up_started(client, invited, settings):
    """The link expires while the invitee fills the sign-up form: no account is made, nothing
    is joined, and the page says why."""
    settings.SIGNUP = "invite"
    invitation, link = invited
    signup_url = client.post(f"{link}signup/")["Location"]
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    response = client.post(signup_url, SIGNUP, follow=True)
    assert "This invitation expired on" in response.content.decode()
    assert membership_of("ivy") is None
    assert not EmailAddress.objects.filter(email=INVITEE).exists()


def test_signed_in_user_asking_to_sign_up_goes_back_to_the_page(client, invited, outsider):
    _, link = invited
    client.force_login(outsider)
    assert client.post(f"{link}signup/")["Location"] == link
    assert INVITATION_SESSION_KEY not in client.session


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=st.text(min_size=1, max_size=80).filter(lambda t: "/" not in t))
def test_any_other_token_is_a_clear_404_and_changes_nothing(client, invited, token):
    invitation, link = invited
    if token == link.split("/")[2]:
        return
    path = f"/invitations/{quote(token, safe='')}/"
    for response in (client.get(path), client.post(path)):
        assert response.status_code in (404,), (token, response.status_code)
    assert Invitation.objects.get().state == "pending"
    assert (
        not Membership.objects.filter(project=invitation.project)
        .exclude(user__username="olivia")
        .exists()
    )


def test_an_invitation_revoked_after_its_link_was_followed_no_longer_opens_sign_up(
    client, invited, settings, owner
):
    settings.SIGNUP = "invite"
    invitation, link = invited
    signup_url = client.post(f"{link}signup/")["Location"]
    assert 'name="password1"' in client.get(signup_url).content.decode()
    invitation.revoke(by=owner)
    closed = client.get(signup_url).content.decode()
    assert 'name="password1"' not in closed and "by invitation only" in closed
    client.post(signup_url, SIGNUP)
    assert membership_of("ivy") is None
    assert not EmailAddress.objects.filter(email=INVITEE).exists()
