"""/p/<slug>/invitations/: owners invite by e-mail, see, resend and revoke pending invitations."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from planhub.invitations.models import Invitation, hash_token
from planhub.mail.models import OutgoingMail
from tests.factories import add_member, make_project, make_user
from tests.worker import run_db_worker, run_queued_tasks

from .conftest import INVITEE, LINK, invite, last_link

HX = {"HTTP_HX_REQUEST": "true"}


def test_invite_sends_a_mail_with_a_single_link_and_stores_only_its_hash(owner_client, project):
    response = invite(owner_client, address="  Ivy@Example.COM ", role="reviewer")
    assert response.status_code == 302 and response["Location"] == "/p/apollo/invitations/"
    page = owner_client.get(response["Location"]).content.decode()
    assert "Invitation sent to ivy@example.com as Reviewer." in page
    assert "ivy@example.com" in page and "Resend" in page and "Revoke" in page

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("ivy@example.com", "reviewer")
    assert invitation.invited_by.username == "olivia"
    lifetime = invitation.expires_at - invitation.sent_at
    assert lifetime == timedelta(days=7)

    [mail] = OutgoingMail.objects.filter(kind="invitation")
    assert mail.to == "ivy@example.com"
    assert mail.subject == "olivia invited you to Apollo on PlanHub"
    assert "as Reviewer (reviews and signs off plans)" in mail.text
    link = LINK.search(mail.text).group(1)
    assert f'href="http://testserver{link}"' in mail.html
    token = link.split("/")[2]
    assert invitation.token_hash == hash_token(token) != token
    assert not Invitation.objects.filter(token_hash__contains=token).exists()


def test_the_expiry_is_a_setting(owner_client, project, settings):
    settings.INVITATION_EXPIRY_DAYS = 2
    invite(owner_client)
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.sent_at == timedelta(days=2)


def test_the_mail_goes_out_through_a_real_smtp_server(
    owner_client, project, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(owner_client)
    link = last_link()  # (the outbox forgets a sent mail's one-time link)
    assert smtp_server == []  # the worker sends it, never the web request
    assert run_queued_tasks() == 1
    [(recipients, message)] = smtp_server
    assert recipients == [INVITEE]
    assert message["Subject"] == "olivia invited you to Apollo on PlanHub"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert link in text and link in html
    assert "expires on" in text


def test_the_htmx_form_answers_the_panel_with_the_new_invitation(owner_client, project):
    response = invite(owner_client, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="invitations"')
    assert "<html" not in html
    assert "Invitation sent to ivy@example.com as Editor." in html
    assert f'id="invitation-{Invitation.objects.get().pk}"' in html


def test_the_members_page_loads_the_panel_for_owners_only(owner_client, project, viewer):
    html = owner_client.get("/p/apollo/members/").content.decode()
    assert 'hx-get="/p/apollo/invitations/"' in html
    assert 'href="/p/apollo/invitations/"' in html  # without JavaScript
    client = Client()
    client.force_login(viewer)
    assert "/invitations/" not in client.get("/p/apollo/members/").content.decode()


@pytest.mark.parametrize(
    "address",
    ["not an address", "ivy@", "@example.com", "ivy@example.com\nBcc: x@y.z", "a" * 250 + "@x.io"],
)
def test_an_invalid_address_is_refused_and_kept_in_the_form(owner_client, project, address):
    response = invite(owner_client, address=address, **HX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "is not an e-mail address" in html or "at most 254" in html
    assert not Invitation.objects.exists() and not OutgoingMail.objects.exists()
    if "\n" not in address:
        assert f'value="{address}"' in html


@pytest.mark.parametrize("role", ["", "admin", "OWNER", "viewer "])
def test_a_role_not_one_of_the_four_is_refused(owner_client, project, role):
    response = invite(owner_client, role=role)
    assert response.status_code == 422
    assert (
        "Choose one of the roles: owner, editor, reviewer or viewer." in response.content.decode()
    )
    assert not Invitation.objects.exists()


def test_an_existing_member_is_not_invited(owner_client, project, editor):
    editor.email = "Eddie@Example.com"
    editor.save()
    response = invite(owner_client, address="eddie@example.com", **HX)
    assert response.status_code == 409
    assert "eddie@example.com is already a member of Apollo (eddie)." in response.content.decode()
    assert not Invitation.objects.exists() and not OutgoingMail.objects.exists()


def test_an_address_already_invited_is_offered_a_resend(owner_client, invited):
    invitation, link = invited
    response = invite(owner_client, address="IVY@example.com", role="viewer", **HX)
    html = response.content.decode()
    assert response.status_code == 409
    assert "ivy@example.com is already invited" in html
    assert f'action="/p/apollo/invitations/{invitation.pk}/resend/"' in html
    assert 'value="IVY@example.com"' in html
    assert Invitation.objects.get().role == "editor"
    assert OutgoingMail.objects.count() == 1


def test_an_expired_invitation_is_renewed_by_inviting_again(owner_client, invited):
    invitation, old_link = invited
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert invite(owner_client, role="viewer").status_code == 302
    renewed = Invitation.objects.get()
    assert renewed.pk == invitation.pk and renewed.role == "viewer" and not renewed.is_expired
    assert last_link() != old_link


def test_resend_mails_a_new_link_and_the_old_one_stops_working(owner_client, invited, client):
    invitation, old_link = invited
    Invitation.objects.update(expires_at=timezone.now() + timedelta(hours=1))
    response = owner_client.post(f"/p/apollo/invitations/{invitation.pk}/resend/", **HX)
    assert response.status_code == 200
    assert (
        "Sent a new link to ivy@example.com; the old one no longer works."
        in response.content.decode()
    )
    new_link = last_link()
    assert new_link != old_link and OutgoingMail.objects.count() == 2
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


def test_revoke_removes_it_from_the_list_and_kills_the_link(owner_client, invited, client):
    invitation, link = invited
    response = owner_client.post(f"/p/apollo/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    page = owner_client.get("/p/apollo/invitations/").content.decode()
    assert "Revoked the invitation to ivy@example.com." in page
    assert "No pending invitations." in page
    gone = client.get(link)
    assert gone.status_code == 410 and "This invitation was withdrawn." in gone.content.decode()


def test_resend_or_revoke_of_a_used_invitation_is_404(owner_client, invited):
    invitation, _ = invited
    invitation.revoke(by=None)
    for action in ("resend", "revoke"):
        response = owner_client.post(f"/p/apollo/invitations/{invitation.pk}/{action}/")
        assert response.status_code == 404
    assert OutgoingMail.objects.count() == 1


def test_another_projects_invitation_is_not_found_here(owner_client, invited, owner):
    invitation, _ = invited
    make_project(owner=owner, slug="elsewhere")
    response = owner_client.post(f"/p/elsewhere/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 404
    assert Invitation.objects.open().count() == 1


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
def test_a_non_owner_cannot_invite(client, project, role):
    user = make_user(f"a-{role}")
    add_member(project, user, role)
    client.force_login(user)
    response = invite(client)
    assert response.status_code == 403
    assert not Invitation.objects.exists() and not OutgoingMail.objects.exists()


def test_the_panel_lists_pending_invitations_in_few_queries(
    owner_client, project, owner, django_assert_max_num_queries
):
    for number in range(5):
        invite(owner_client, address=f"person{number}@example.com")
    with django_assert_max_num_queries(8):
        html = owner_client.get("/p/apollo/invitations/", **HX).content.decode()
    assert all(f"person{number}@example.com" in html for number in range(5))
    assert html.count(">olivia<") == 5


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_process_mails_a_link_that_works(owner, project, smtp_server, settings):
    owner_client = Client()
    owner_client.force_login(owner)
    assert invite(owner_client, role="viewer").status_code == 302
    worker = run_db_worker(EMAIL_URL=settings.EMAIL_URL, DEFAULT_FROM_EMAIL="plans@example.com")
    assert worker.returncode == 0, worker.stdout + worker.stderr
    [(recipients, message)] = smtp_server
    assert recipients == [INVITEE]
    link = LINK.search(message.get_body(("plain",)).get_content()).group(1)
    assert OutgoingMail.objects.get().state == "sent"
    page = Client().get(link)
    assert page.status_code == 200 and "Join Apollo" in page.content.decode()


def test_names_with_line_breaks_or_markup_make_a_valid_mail(
    owner_client, project, smtp_server, django_capture_on_commit_callbacks
):
    project.name = "Apollo\r\nBcc: everyone@example.com <b>bold</b>"
    project.save()
    with django_capture_on_commit_callbacks(execute=True):
        invite(owner_client)
    run_queued_tasks()
    [(recipients, message)] = smtp_server
    assert recipients == [INVITEE]
    assert message["Subject"] == (
        "olivia invited you to Apollo Bcc: everyone@example.com <b>bold</b> on PlanHub"
    )
    assert "&lt;b&gt;bold&lt;/b&gt;" in message.get_body(("html",)).get_content()


def test_the_link_page_answers_in_few_queries(client, invited, django_assert_max_num_queries):
    _, link = invited
    with django_assert_max_num_queries(6):
        assert client.get(link).status_code == 200
