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
