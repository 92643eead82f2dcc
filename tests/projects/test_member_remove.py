"""Removing a member; the last owner stays."""

from django.urls import reverse

from planhub.projects.models import Role


def test_owner_removes_a_member(client, owner, viewer, project):
    member = project.memberships.get(user=viewer)
    client.force_login(owner)
    client.post(reverse("member_remove", args=["apollo", member.pk]))
    assert not project.memberships.filter(user=viewer).exists()
    client.force_login(viewer)
    assert client.get(reverse("project_detail", args=["apollo"])).status_code == 404


def test_last_owner_can_neither_leave_nor_be_demoted(client, owner, project):
    member = project.memberships.get(user=owner)
    client.force_login(owner)
    response = client.post(
        reverse("member_role", args=["apollo", member.pk]), {"role": "viewer"}, follow=True
    )
    assert "A project needs at least one owner" in response.content.decode()
    response = client.post(reverse("member_remove", args=["apollo", member.pk]), follow=True)
    assert "A project needs at least one owner" in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.OWNER


def test_remove_queries(client, owner, viewer, project, django_assert_max_num_queries):
    member = project.memberships.get(user=viewer)
    client.force_login(owner)
    # +3: the ledger entry; +1: the row read for post_delete (open WebSockets of the member close)
    with django_assert_max_num_queries(13):
        response = client.post(reverse("member_remove", args=["apollo", member.pk]))
    assert response.status_code == 302
    assert not project.memberships.filter(user=viewer).exists()
