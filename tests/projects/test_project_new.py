"""Starting a project: its creator is its owner; bad input refused with a message."""

import pytest
from django.urls import reverse

from planhub.projects.models import Membership, Project, Role


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


def test_create_project_queries(client, outsider, django_assert_max_num_queries):
    client.force_login(outsider)
    data = {"name": "Counted", "slug": "counted", "description": ""}
    with django_assert_max_num_queries(11):  # +3: the ledger entry
        response = client.post(reverse("project_new"), data)
    assert response.status_code == 302 and Project.objects.filter(slug="counted").exists()
