"""Presence: heartbeats upserted on every poll, shown to the others, expiring, never me."""

from datetime import timedelta

import pytest
from django.utils import timezone

from planhub.live.models import HEARTBEAT_EVERY, PRESENCE_TTL, Presence
from tests.factories import make_plan

from .conftest import poll_url, section_of


def poll(client, plan, editing=""):
    since = (timezone.now() - timedelta(seconds=5)).isoformat()
    response = client.get(poll_url(plan), {"since": since, "editing": editing})
    assert response.status_code == 200
    return response.json()


def test_heartbeat_is_one_row_per_plan_and_user(client, editor, doc):
    client.force_login(editor)
    for _ in range(3):
        poll(client, doc)
    row = Presence.objects.get()
    assert (row.plan, row.user, row.section) == (doc, editor, None)
    assert timezone.now() - row.last_seen < timedelta(seconds=5)


def test_heartbeat_is_written_only_when_due_or_changed(client, editor, doc):
    client.force_login(editor)
    poll(client, doc)
    first = Presence.objects.get().last_seen
    poll(client, doc)
    assert Presence.objects.get().last_seen == first  # a few seconds later: only read
    Presence.objects.update(last_seen=first - HEARTBEAT_EVERY)
    poll(client, doc)
    assert Presence.objects.get().last_seen > first  # due again
    second = Presence.objects.get().last_seen
    poll(client, doc, editing=str(section_of(doc, "Scope").pk))
    row = Presence.objects.get()
    assert row.section is not None and row.last_seen > second  # what I do changed


def test_heartbeat_updates_last_seen_and_section(client, editor, doc):
    client.force_login(editor)
    poll(client, doc)
    Presence.objects.update(last_seen=timezone.now() - timedelta(seconds=20))
    scope = section_of(doc, "Scope")
    poll(client, doc, editing=str(scope.pk))
    row = Presence.objects.get()
    assert row.section == scope and timezone.now() - row.last_seen < timedelta(seconds=5)
    poll(client, doc, editing="")
    assert Presence.objects.get().section is None


def test_others_see_me_reading_and_editing_never_myself(client, owner, editor, doc):
    scope = section_of(doc, "Scope")
    client.force_login(editor)
    assert poll(client, doc, editing=str(scope.pk))["presence"] == []  # not me
    client.force_login(owner)
    assert poll(client, doc)["presence"] == [
        {"user": "eddie", "name": "eddie", "initials": "E", "editing": scope.pk}
    ]
    client.force_login(editor)
    assert poll(client, doc)["presence"] == [
        {"user": "olivia", "name": "olivia", "initials": "O", "editing": None}
    ]


def test_full_name_and_initials(client, owner, editor, doc):
    editor.first_name, editor.last_name = "Eddie", "van Halen"
    editor.save()
    client.force_login(editor)
    poll(client, doc)
    client.force_login(owner)
    (person,) = poll(client, doc)["presence"]
    assert (person["name"], person["initials"]) == ("Eddie van Halen", "EV")


def test_viewer_and_reviewer_are_never_editing(client, viewer, reviewer, doc):
    scope = section_of(doc, "Scope")
    for user in (viewer, reviewer):
        client.force_login(user)
        poll(client, doc, editing=str(scope.pk))
    assert list(Presence.objects.values_list("section", flat=True)) == [None, None]


def test_unknown_section_id_in_editing_is_ignored(client, editor, doc):
    client.force_login(editor)
    poll(client, doc, editing="999999")
    assert Presence.objects.get().section is None


@pytest.mark.parametrize("editing", ["abc", "-1", "1.5", "²", "٣", "9" * 400, "1\x00"])
def test_malformed_editing_value_is_400(client, editor, doc, editing):
    """Only ASCII digits: "²".isdigit() is True but int("²") fails (it was a 500), and
    int("٣") is 3 (another section's id)."""
    client.force_login(editor)
    response = client.get(poll_url(doc), {"editing": editing})
    assert response.status_code == 400
    assert response.json()["error"].startswith("editing: ")
    assert not Presence.objects.exists()


def test_section_of_another_plan_is_not_editing_here(client, project, owner, editor, doc):
    other = make_plan(project, owner, text="# Other\n\ntext\n")
    client.force_login(editor)
    poll(client, doc, editing=str(section_of(other, "Other").pk))
    assert Presence.objects.get().section is None


def test_expired_heartbeats_are_not_shown_and_are_deleted(client, owner, editor, reviewer, doc):
    for user in (editor, reviewer):
        client.force_login(user)
        poll(client, doc)
    Presence.objects.filter(user=editor).update(
        last_seen=timezone.now() - PRESENCE_TTL - timedelta(seconds=1)
    )
    Presence.objects.filter(user=reviewer).update(
        last_seen=timezone.now() - PRESENCE_TTL + timedelta(seconds=5)
    )
    client.force_login(owner)
    assert [p["user"] for p in poll(client, doc)["presence"]] == ["rita"]
    assert not Presence.objects.filter(user=editor).exists()  # deleted by that poll


def test_expired_rows_of_other_plans_are_deleted_too(client, project, owner, editor, doc):
    other = make_plan(project, owner, text="# Other\n\ntext\n")
    client.force_login(editor)
    poll(client, other)
    Presence.objects.update(last_seen=timezone.now() - timedelta(hours=1))
    client.force_login(owner)
    poll(client, doc)
    assert list(Presence.objects.values_list("plan", "user")) == [(doc.pk, owner.pk)]


def test_deleting_the_section_leaves_the_person_reading(client, owner, editor, doc):
    from planhub.plans.models import Section

    scope = section_of(doc, "Scope")
    client.force_login(editor)
    poll(client, doc, editing=str(scope.pk))
    Section.all_objects.filter(pk=scope.pk).delete()  # a hard delete (admin, cascade)
    assert Presence.objects.get().section is None
