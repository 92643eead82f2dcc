"""Restoring an older version of a section (and refusing when it moved on)."""

import pytest
from django.urls import reverse

from planhub.plans import restructuring

from .conftest import section, url, versions


def test_history_page_and_restore_a_version(client, doc, owner, editor):
    scope = section(doc, "Scope")
    scope.save_edit(author=owner, heading="Scope", body="second", base_version=1)
    client.force_login(editor)
    html = client.get(url(scope, "section_history")).content.decode()
    assert html.count("Restore this version") == 1 and "olivia" in html
    response = client.post(url(scope, "section_restore_version"), {"version": 1, "base_version": 2})
    assert response.status_code == 302
    scope = section(doc, "Scope")
    assert scope.version == 3 and scope.editable_body == "line one\nline two\nline three"
    assert scope.revisions.get(version=3).note == "Restored version 1"
    assert list(scope.revisions.values_list("version", flat=True)) == [3, 2, 1]
    diff = client.get(url(scope, "section_changes") + "?since=1&to=2").content.decode()
    assert "+second" in diff and "-line one" in diff


def test_restore_refused_when_the_section_moved_on(client, doc, owner, editor):
    scope = section(doc, "Scope")
    scope.save_edit(author=owner, heading="Scope", body="second", base_version=1)
    scope.save_edit(author=owner, heading="Scope", body="third", base_version=2)
    client.force_login(editor)
    response = client.post(
        url(scope, "section_restore_version"), {"version": 1, "base_version": 2}, follow=True
    )
    assert "nothing was restored" in response.content.decode()
    assert section(doc, "Scope").editable_body == "third"


@pytest.mark.parametrize(
    "data",
    [
        {"version": "abc"},  # a 500 (the revision lookup took the raw text)
        {"version": "²"},
        {"version": "1.5"},
        {"version": "1", "base_version": "٢"},
        {},
    ],
)
def test_malformed_restore_version_is_400(client, doc, owner, editor, data):
    scope = section(doc, "Scope")
    scope.save_edit(author=owner, heading="Scope", body="second", base_version=1)
    client.force_login(editor)
    response = client.post(url(scope, "section_restore_version"), data)
    assert response.status_code == 400
    assert "version: " in response.content.decode()
    assert section(doc, "Scope").version == 2


def test_restoring_a_version_of_a_deleted_section_says_so(client, editor, owner, scope):
    scope.save_edit(author=owner, heading="Scope", body="changed", base_version=1)
    restructuring.delete_section(scope, owner)
    client.force_login(editor)
    response = client.post(
        url(scope, "section_restore_version"), {"version": 1, "base_version": 2}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "plan_activity", args=[scope.plan.project.slug, scope.plan_id]
    )
    html = response.content.decode()
    assert "olivia deleted “Scope” just now. Nothing was restored" in html
    assert [v for v, _, _ in versions(scope)] == [1, 2]


def test_restore_version_queries(client, doc, owner, editor, django_assert_max_num_queries):
    scope = section(doc, "Scope")
    scope.save_edit(author=owner, heading="Scope", body="second", base_version=1)
    client.force_login(editor)
    # 13, and the new version's ledger entry (3: the head's lock, the entry, the head), and
    # whether the section has an open draft to merge the version into (1).
    with django_assert_max_num_queries(17):
        response = client.post(
            url(scope, "section_restore_version"), {"version": 1, "base_version": 2}
        )
    assert response.status_code == 302 and section(doc, "Scope").version == 3
