"""Two people at once (PostgreSQL, real row locks): one link joins one account; one address
gets one open invitation."""

import pytest
from django.test import Client

from planhub.invitations.models import Invitation
from planhub.mail.models import OutgoingMail
from planhub.projects.models import Membership
from tests.factories import make_project, make_user
from tests.projects.test_members import at_once

from .conftest import INVITEE, last_link

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("round_", range(3))
def test_two_accounts_with_the_address_joining_at_once_make_one_member(round_):
    owner = make_user()
    project = make_project(owner=owner)
    Invitation.send(project, INVITEE, "editor", by=owner, site_url="http://testserver/")
    link = last_link()
    twins = []
    for _ in range(2):
        user = make_user()
        user.email = INVITEE
        user.save()
        twins.append(user)
    responses = at_once(*((logged_in(user), link, {}) for user in twins))
    assert sorted(r.status_code for r in responses) == [302, 410]
    joined = Membership.objects.filter(project=project, user__in=twins)
    assert joined.count() == 1 and joined.get().role == "editor"
    assert Invitation.objects.get().accepted_by == joined.get().user


@pytest.mark.parametrize("round_", range(3))
def test_two_owners_inviting_one_address_at_once_send_one_invitation(round_):
    alice = make_user()
    project = make_project(owner=alice)
    bob = make_user()
    project.memberships.create(user=bob, role="owner")
    url = f"/p/{project.slug}/invitations/"
    data = {"email": INVITEE, "role": "viewer"}
    responses = at_once((logged_in(alice), url, data), (logged_in(bob), url, data))
    assert sorted(r.status_code for r in responses) == [302, 409]
    assert Invitation.objects.count() == 1
    assert OutgoingMail.objects.filter(kind="invitation").count() == 1
