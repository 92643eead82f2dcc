"""The project settings form: owners only, approvals as whole numbers."""

import pytest
from django.urls import reverse


def test_project_settings(client, owner, project):
    url = reverse("project_settings", args=[project.slug])
    client.force_login(owner)
    response = client.post(url, {"name": "Apollo", "required_approvals": 0})
    assert response.status_code == 422
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    client.post(url, {"name": "Apollo", "required_approvals": 2, "allow_self_approval": "on"})
    project.refresh_from_db()
    assert (project.required_approvals, project.allow_self_approval) == (2, True)


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


def test_settings_queries(client, owner, project, django_assert_max_num_queries):
    client.force_login(owner)
    url = reverse("project_settings", args=[project.slug])
    data = {"name": "Apollo two", "description": "", "required_approvals": 2}
    with django_assert_max_num_queries(7):  # +3: the ledger entry
        assert client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert (project.name, project.required_approvals) == ("Apollo two", 2)
