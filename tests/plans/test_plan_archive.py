"""Archiving and unarchiving a plan: the undo, the way back, bad input ignored."""

import pytest
from django.urls import reverse


def list_url(**query):
    url = reverse("project_detail", args=["apollo"])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def archive_url(plan):
    return reverse("plan_archive", args=[plan.project.slug, plan.pk])


def listed(html: str) -> list[str]:
    """Plan titles in the list, in order."""
    table = html.split('id="plan-list"', 1)[1].split("</table>", 1)[0]
    return [
        part.split(">", 1)[1].split("</a>", 1)[0]
        for part in table.split('<td class="plan-title"><a href="/p/apollo/plans/')[1:]
    ]


@pytest.mark.parametrize("role", ["editor", "owner"])
def test_archive_then_unarchive(client, members, plans, role):
    plan = plans["draft"]
    client.force_login(members[role])
    back = list_url(sort="title")
    response = client.post(archive_url(plan), {"action": "archive", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    plan.refresh_from_db()
    assert plan.is_archived and plan.archived_by == members[role]
    updated_at = plan.updated_at
    page = client.get(back).text
    assert "Archived “Bravo draft”." in page  # the flash message
    assert "Bravo draft" not in listed(page)
    # The undo, once, next to the list.
    assert "“Bravo draft” is archived." in page and "Undo: unarchive" in page
    assert "Undo: unarchive" not in client.get(back).text
    # Under Show: archived, with Unarchive.
    archived = client.get(list_url(show="archived")).text
    assert listed(archived) == ["Bravo draft"] and "<strong>1 archived plan</strong>" in archived
    assert 'value="unarchive"' in archived and "Archived plans (1)" in archived
    response = client.post(archive_url(plan), {"action": "unarchive", "next": back}, follow=True)
    plan.refresh_from_db()
    assert not plan.is_archived and plan.archived_by is None and plan.updated_at == updated_at
    assert "Unarchived “Bravo draft”" in response.text and "Bravo draft" in listed(response.text)


def test_unknown_action_and_foreign_next_are_ignored(client, editor, plan):
    client.force_login(editor)
    response = client.post(archive_url(plan), {"action": "delete"}, follow=True)
    assert "Choose Archive or Unarchive." in response.text
    plan.refresh_from_db()
    assert plan.archived_at is None
    for evil in ("https://evil.example/p/apollo/", "//evil.example/", "/p/other/"):
        response = client.post(archive_url(plan), {"action": "archive", "next": evil})
        assert response["Location"] == "/p/apollo/"


def test_unarchive_from_the_plan_page_goes_back_there(client, editor, plan):
    plan.set_archived(True, editor)
    client.force_login(editor)
    data = {"action": "unarchive", "next": plan.get_absolute_url()}
    response = client.post(archive_url(plan), data, follow=True)
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert "<strong>Archived</strong>" not in response.text


def test_archive_queries(client, editor, plan, django_assert_max_num_queries):
    client.force_login(editor)
    url = reverse("plan_archive", args=[plan.project.slug, plan.pk])
    with django_assert_max_num_queries(11):  # +3: the ledger entry
        assert client.post(url, {"action": "archive"}).status_code == 302
    plan.refresh_from_db()
    assert plan.archived_at is not None
