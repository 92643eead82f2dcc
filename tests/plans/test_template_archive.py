"""Archiving and restoring a project's own templates (built-in ones cannot be archived)."""

import pytest
from django.urls import reverse

from planhub.plans.models import Plan
from tests.factories import builtin_template

from .conftest import archive_url, detail_url, library_url


@pytest.mark.parametrize("role", ["editor", "owner"])
def test_archive_and_restore(client, members, uploaded, role):
    plan = Plan.create_from_template(
        project=uploaded.project,
        template=uploaded,
        author=members["owner"],
        values={"Service": "X"},
    )
    client.force_login(members[role])
    response = client.post(archive_url(uploaded), {"action": "archive"}, follow=True)
    assert response.redirect_chain[-1][0] == library_url()
    uploaded.refresh_from_db()
    assert uploaded.is_archived and uploaded.archived_by == members[role]
    html = response.content.decode()
    assert "Archived the template “Runbook”" in html
    card = html.index(f'id="template-{uploaded.pk}"')
    assert card > html.index('id="archived-heading"') and 'value="restore"' in html[card:]
    # Hidden from the chooser; its plans keep working.
    chooser = client.get(reverse("plan_new", args=["apollo"])).content.decode()
    assert "Runbook" not in chooser
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200 and "From Runbook" in page.content.decode()
    # Restore.
    response = client.post(archive_url(uploaded), {"action": "restore"}, follow=True)
    uploaded.refresh_from_db()
    assert not uploaded.is_archived and uploaded.archived_by is None
    assert "Restored “Runbook”" in response.content.decode()
    assert "Runbook" in client.get(reverse("plan_new", args=["apollo"])).content.decode()


def test_builtin_templates_cannot_be_archived(client, owner):
    template = builtin_template()
    client.force_login(owner)
    assert client.post(archive_url(template), {"action": "archive"}).status_code == 404
    template.refresh_from_db()
    assert template.archived_at is None
    with pytest.raises(ValueError):
        template.set_archived(True, owner)


def test_unknown_action_changes_nothing(client, editor, uploaded):
    client.force_login(editor)
    response = client.post(archive_url(uploaded), {"action": "delete"}, follow=True)
    assert "Choose Archive or Restore." in response.content.decode()
    uploaded.refresh_from_db()
    assert uploaded.archived_at is None


def test_archive_goes_back_to_a_local_next_only(client, editor, uploaded):
    client.force_login(editor)
    data = {"action": "archive", "next": detail_url(uploaded)}
    assert client.post(archive_url(uploaded), data)["Location"] == detail_url(uploaded)
    data = {"action": "restore", "next": "https://evil.example/p/apollo/"}
    assert client.post(archive_url(uploaded), data)["Location"] == library_url()


def test_archive_queries(client, editor, uploaded, django_assert_max_num_queries):
    client.force_login(editor)
    with django_assert_max_num_queries(5):
        response = client.post(archive_url(uploaded), {"action": "archive"})
    assert response.status_code == 302
    uploaded.refresh_from_db()
    assert uploaded.is_archived
