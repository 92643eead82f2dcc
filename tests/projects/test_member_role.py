"""Changing a member's role."""

from django.urls import reverse

from planhub.projects.models import Role


def test_owner_changes_a_role(client, owner, viewer, project):
    member = project.memberships.get(user=viewer)
    client.force_login(owner)
    response = client.post(
        reverse("member_role", args=["apollo", member.pk]), {"role": "editor"}, follow=True
    )
    assert "victor is now Editor." in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.EDITOR


def test_an_unknown_role_is_refused_with_a_message(client, owner, viewer, project):
    member = project.memberships.get(user=viewer)
    client.force_login(owner)
    response = client.post(
        reverse("member_role", args=["apollo", member.pk]), {"role": "admin"}, follow=True
    )
    assert "Choose one of the roles: owner, editor, reviewer or viewer." in response.text
    member.refresh_from_db()
    assert member.role == Role.VIEWER


def test_role_change_queries(client, owner, viewer, project, django_assert_max_num_queries):
    member = project.memberships.get(user=viewer)
    client.force_login(owner)
    with django_assert_max_num_queries(12):  # +3: the ledger entry
        response = client.post(
            reverse("member_role", args=["apollo", member.pk]), {"role": "editor"}
        )
    assert response.status_code == 302
