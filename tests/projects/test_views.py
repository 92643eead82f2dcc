import pytest
from django.urls import reverse

from planhub.projects.models import Membership, Project, Role
from tests.factories import make_plan, make_project, make_user


def test_dashboard_lists_my_projects_and_recent_plans_only(client, owner, plan, outsider):
    secret = make_project(owner=outsider, slug="secret", name="Secret")
    make_plan(secret, author=outsider)
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert "Apollo" in html and plan.title in html and "Secret" not in html


def test_dashboard_empty_state(client, outsider):
    client.force_login(outsider)
    html = client.get("/").content.decode()
    assert "You are not in any project yet." in html and "No plans yet." in html


def test_create_project_makes_me_owner(client, outsider):
    client.force_login(outsider)
    response = client.post(reverse("project_new"), {"name": "Moon Base", "description": ""})
    assert response.status_code == 302 and response["Location"] == "/p/moon-base/"
    membership = Membership.objects.get(project__slug="moon-base")
    assert (membership.user, membership.role) == (outsider, Role.OWNER)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Apollo", "slug": "apollo"}, "A project at /p/apollo/ already exists"),
        ({"name": "New", "slug": "new"}, "is reserved"),
        ({"name": "", "slug": ""}, "This field is required."),
        ({"name": "!!!", "slug": ""}, "Give the project a name or an address with letters."),
    ],
)
def test_create_project_bad_input(client, outsider, project, data, message):
    client.force_login(outsider)
    response = client.post(reverse("project_new"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Project.objects.count() == 1


def test_project_page_lists_plans_and_members(client, viewer, plan):
    client.force_login(viewer)
    html = client.get(reverse("project_detail", args=["apollo"])).content.decode()
    assert plan.title in html and "olivia" in html and "victor" in html
    assert "New plan" not in html  # viewers cannot create plans


def test_project_page_empty_state_invites_editors(client, editor, project):
    client.force_login(editor)
    html = client.get(reverse("project_detail", args=["apollo"])).content.decode()
    assert "No plans in this project yet." in html and "Start the first plan" in html


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


def test_owner_changes_a_role(client, owner, viewer, project):
    member = project.memberships.get(user=viewer)
    client.force_login(owner)
    response = client.post(
        reverse("member_role", args=["apollo", member.pk]), {"role": "editor"}, follow=True
    )
    assert "victor is now Editor." in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.EDITOR


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


def test_members_of_another_project_are_404(client, owner, outsider):
    other = make_project(owner=outsider, slug="other")
    theirs = other.memberships.get()
    client.force_login(owner)
    make_project(owner=owner, slug="mine")
    response = client.post(reverse("member_remove", args=["mine", theirs.pk]))
    assert response.status_code == 404
    assert other.memberships.count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("٣", "Enter a whole number."),  # int("٣") is 3: taken before
        ("²", "Enter a whole number."),
        ("9" * 400, "Ensure this value is less than or equal to"),
        ("-1", "Ensure this value is greater than or equal to"),
    ],
)
def test_settings_take_ascii_whole_numbers_only(client, owner, project, value, message):
    client.force_login(owner)
    url = reverse("project_settings", args=[project.slug])
    response = client.post(url, {"name": "Apollo", "required_approvals": value})
    assert response.status_code == 422 and message in response.content.decode()
    project.refresh_from_db()
    assert project.required_approvals == 1
