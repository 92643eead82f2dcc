"""The last-owner rule: a project always keeps at least one owner, also when owners change
each other's roles at the same moment (two threads, PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from planhub.projects.models import LastOwner, Membership, Role
from tests.factories import add_member, make_project, make_user

LAST_OWNER = "A project needs at least one owner: make someone else owner first."


def two_owners():
    alice, bob = make_user(), make_user()
    project = make_project(owner=alice)
    add_member(project, bob, Role.OWNER)
    return project, project.memberships.get(user=alice), project.memberships.get(user=bob)


# --- one at a time (every database) ------------------------------------------------------------


def test_the_last_owner_cannot_be_demoted_or_removed(owner, project):
    member = project.memberships.get(user=owner)
    with pytest.raises(LastOwner, match="at least one owner"):
        member.change_role(Role.EDITOR)
    with pytest.raises(LastOwner):
        member.remove()
    member.refresh_from_db()
    assert member.role == Role.OWNER


def test_one_of_two_owners_can_be_demoted_then_the_other_cannot(db):
    project, alice, bob = two_owners()
    bob.change_role(Role.EDITOR)
    assert Membership.objects.get(pk=bob.pk).role == Role.EDITOR
    with pytest.raises(LastOwner):
        alice.change_role(Role.VIEWER)
    with pytest.raises(LastOwner):
        alice.remove()
    assert project.owner_count() == 1


def test_one_of_two_owners_can_be_removed(db):
    project, alice, bob = two_owners()
    alice.remove()
    assert list(project.memberships.values_list("pk", flat=True)) == [bob.pk]


def test_other_roles_change_and_go_freely(owner, project, viewer):
    member = project.memberships.get(user=viewer)
    member.change_role(Role.REVIEWER)
    assert Membership.objects.get(pk=member.pk).role == Role.REVIEWER
    member.remove()
    assert not project.memberships.filter(user=viewer).exists()


def test_promoting_the_last_owner_to_owner_again_is_allowed(owner, project):
    member = project.memberships.get(user=owner)
    member.change_role(Role.OWNER)
    assert Membership.objects.get(pk=member.pk).role == Role.OWNER


def test_changing_a_member_someone_removed_meanwhile_says_so(client, owner, project, viewer):
    member = project.memberships.get(user=viewer)
    url = reverse("member_role", args=["apollo", member.pk])
    Membership.objects.filter(pk=member.pk).delete()
    client.force_login(owner)
    assert client.post(url, {"role": "editor"}).status_code == 404  # gone before the request
    with pytest.raises(Membership.DoesNotExist):
        member.change_role(Role.EDITOR)  # gone while the request ran


def test_views_show_the_rule_as_a_message(client, db):
    project, alice, bob = two_owners()
    client.force_login(alice.user)
    demote_bob = reverse("member_role", args=[project.slug, bob.pk])
    response = client.post(demote_bob, {"role": "viewer"}, follow=True)
    assert f"{bob.user.username} is now Viewer." in response.content.decode()
    remove_me = reverse("member_remove", args=[project.slug, alice.pk])
    response = client.post(remove_me, follow=True)
    assert LAST_OWNER in response.content.decode().replace("&#x27;", "'")
    assert Membership.objects.filter(pk=alice.pk, role=Role.OWNER).exists()


# --- at the same moment (PostgreSQL) ----------------------------------------------------------


def at_once(*requests):
    """POST each (client, url, data) from its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def post(number, client, url, data):
        try:
            barrier.wait()
            responses[number] = client.post(url, data)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=(n, *request)) for n, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def outcome_messages(client, project) -> str:
    return client.get(reverse("members", args=[project.slug])).content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
@pytest.mark.parametrize("first", ["alice", "bob"])
def test_two_owners_demoting_each_other_at_once_leave_one_owner(round_, first):
    project, alice, bob = two_owners()
    requests = {
        "alice": (logged_in(alice.user), reverse("member_role", args=[project.slug, bob.pk])),
        "bob": (logged_in(bob.user), reverse("member_role", args=[project.slug, alice.pk])),
    }
    order = [first, "bob" if first == "alice" else "alice"]
    responses = at_once(*((*requests[name], {"role": "editor"}) for name in order))
    assert project.owner_count() == 1  # exactly one of the two demotions landed
    # The other one was refused with a reason: 403 when the winner's demotion committed
    # before the request was checked, else the last-owner message.
    refused = [
        name
        for name, response in zip(order, responses, strict=True)
        if response.status_code == 403
        or LAST_OWNER in outcome_messages(requests[name][0], project).replace("&#x27;", "'")
    ]
    assert sorted(r.status_code for r in responses) in ([302, 302], [302, 403])
    assert len(refused) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
@pytest.mark.parametrize("first", ["alice", "bob"])
def test_two_owners_removing_each_other_at_once_leave_one_owner(round_, first):
    project, alice, bob = two_owners()
    requests = {
        "alice": (logged_in(alice.user), reverse("member_remove", args=[project.slug, bob.pk])),
        "bob": (logged_in(bob.user), reverse("member_remove", args=[project.slug, alice.pk])),
    }
    order = [first, "bob" if first == "alice" else "alice"]
    responses = at_once(*((*requests[name], {}) for name in order))
    # The loser is refused: the last-owner message (302), or 404 once no longer a member.
    assert sorted(r.status_code for r in responses) in ([302, 302], [302, 404])
    assert project.memberships.count() == 1 and project.owner_count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_an_owner_demoting_the_other_while_leaving_keeps_an_owner(round_):
    project, alice, bob = two_owners()
    responses = at_once(
        (logged_in(alice.user), reverse("member_role", args=[project.slug, bob.pk]),
         {"role": "viewer"}),
        (logged_in(alice.user), reverse("member_remove", args=[project.slug, alice.pk]), {}),
    )  # fmt: skip
    # Left first: the demotion is 404 (no longer a member); else it refuses the leaving.
    assert sorted(r.status_code for r in responses) in ([302, 302], [302, 404])
    assert project.owner_count() == 1


def test_owner_adds_a_member(client, owner, project):
    make_user("newbie")
    client.force_login(owner)
    response = client.post(
        reverse("members", args=["apollo"]), {"username": "NEWBIE", "role": "reviewer"}, follow=True
    )
    assert "Added newbie as Reviewer." in response.content.decode()
    assert project.memberships.get(user__username="newbie").role == Role.REVIEWER


@pytest.mark.parametrize(
    ("username", "role", "message"),
    [
        ("ghost", "viewer", "No user is called “ghost”."),
        ("victor", "viewer", "victor is already a member of this project."),
        ("newbie", "admin", "Select a valid choice."),
    ],
)
def test_add_member_bad_input(client, owner, viewer, username, role, message):
    make_user("newbie")
    client.force_login(owner)
    response = client.post(
        reverse("members", args=["apollo"]), {"username": username, "role": role}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
