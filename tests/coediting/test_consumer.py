"""The draft WebSocket (planhub/coediting/consumers.py) through planhub.asgi, as browsers use
it: sync, storing before acknowledging, permissions, limits, awareness, several servers."""

import json

import pycrdt
import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import transaction

from planhub.coediting import consumers, drafts, limits, protocol
from planhub.coediting.models import Draft, DraftUpdate
from planhub.projects.models import Membership, Role

from .wsclient import Peer, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "# Launch\n\n## Scope\n\nWhat we build.\n"


def run(scenario):
    return async_to_sync(scenario)()


@pytest.fixture
def section(project, owner):
    from tests.factories import make_plan

    plan = make_plan(project, owner, text=TEXT)
    return plan.sections.get(heading="Scope")


def path(section, draft=None) -> str:
    query = f"?draft={draft}" if draft is not None else ""
    return f"/ws/sections/{section.pk}/draft/{query}"


def peer(user, section, **kwargs) -> Peer:
    return Peer(path(section, kwargs.pop("draft", None)), session_cookie(user), **kwargs)


@database_sync_to_async
def stored_texts(draft_id: int) -> list[bytes]:
    return [
        bytes(d)
        for d in DraftUpdate.objects.filter(draft_id=draft_id).values_list("data", flat=True)
    ]


def text_of_draft(section) -> str:
    draft = Draft.objects.get(section=section)
    return drafts.doc_text(drafts.load_doc(draft))[1]


# Sync
def test_a_new_connection_gets_hello_then_the_draft_text(section, editor):
    alice = peer(editor, section)

    async def scenario():
        hello = await alice.join()
        await alice.leave()
        return hello

    hello = run(scenario)
    draft = Draft.objects.get(section=section)
    assert hello["type"] == "hello"
    assert hello["draft"] == draft.pk and hello["base_version"] == section.version
    assert hello["read_only"] is False
    assert hello["user"]["id"] == editor.pk and hello["user"]["name"] == "eddie"
    assert alice.text() == section.editable_body and alice.text("heading") == "Scope"


def test_updates_go_both_ways_between_two_editors(section, editor, owner):
    eddie, olivia = peer(editor, section), peer(owner, section)

    async def scenario():
        await eddie.join()
        await olivia.join()
        await eddie.type(" Eddie was here.")
        await olivia.until("update")
        await olivia.type(" Olivia too.")
        await eddie.until("update")
        await eddie.acknowledged()
        await olivia.acknowledged()
        await eddie.leave()
        await olivia.leave()

    run(scenario)
    expected = section.editable_body + " Eddie was here. Olivia too."
    assert eddie.text() == olivia.text() == expected
    assert text_of_draft(section) == expected


def test_a_late_joiner_gets_what_was_typed_before(section, editor, owner):
    eddie, olivia = peer(editor, section), peer(owner, section)

    async def scenario():
        await eddie.join()
        await eddie.type("Typed before you came. ")
        await eddie.acknowledged()
        await olivia.join()
        await eddie.leave()
        await olivia.leave()

    run(scenario)
    assert olivia.text().endswith("Typed before you came. ")


# Persistence before acknowledgement
def test_the_update_is_stored_when_its_ack_arrives(section, editor):
    eddie = peer(editor, section)

    async def scenario():
        await eddie.join()
        draft_id = eddie.controls[0]["draft"]
        counts = []
        for word in ["one ", "two ", "three "]:
            update = await eddie.type(word)
            acked = await eddie.until("ack")
            counts.append(acked)
            assert update in await stored_texts(draft_id)
        await eddie.leave()
        return counts

    counts = run(scenario)
    assert counts == [2, 3, 4]  # cumulative: the empty step 2 of the sync was the first
    draft = Draft.objects.get(section=section)
    assert list(draft.authors.all()) == [editor]


def test_an_update_whose_store_fails_gets_no_ack(section, editor, owner, monkeypatch):
    eddie, olivia = peer(editor, section), peer(owner, section)

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    async def scenario():
        await eddie.join()
        await olivia.join()
        monkeypatch.setattr(drafts, "store_update", broken)
        await eddie.type("lost? no: kept by the browser")
        code = await eddie.closed_with()
        assert await olivia.nothing()  # nobody saw what is not stored
        await olivia.leave()
        return code

    assert run(scenario) == consumers.STORE_FAILED
    assert eddie.acked == 1  # the sync's empty step 2 only
    assert not DraftUpdate.objects.exists()


def test_a_replayed_update_is_acknowledged_without_storing_it_twice(section, editor):
    eddie = peer(editor, section)

    async def scenario():
        await eddie.join()
        update = await eddie.type("once")
        await eddie.acknowledged()
        await eddie.send_update(update)  # as after a reconnect, from the browser's offline copy
        await eddie.acknowledged()
        await eddie.leave()

    run(scenario)
    assert DraftUpdate.objects.count() == 1


# Permissions
def test_anonymous_is_closed_with_4401(section):
    anonymous = Peer(path(section))

    async def scenario():
        assert await anonymous.connect()
        return await anonymous.closed_with()

    assert run(scenario) == 4401


@pytest.mark.parametrize("case", ["outsider", "missing", "deleted"])
def test_no_such_section_for_you_is_4404(section, outsider, editor, case):
    user = outsider if case == "outsider" else editor
    target = section
    if case == "missing":
        target = type(section)(pk=section.pk + 1000)
    if case == "deleted":
        from planhub.plans.restructuring import delete_section

        delete_section(section, editor)
    visitor = peer(user, target)

    async def scenario():
        assert await visitor.connect()
        return await visitor.closed_with()

    assert run(scenario) == 4404
    assert not Draft.objects.exists()


def test_a_foreign_origin_is_refused(section, editor):
    intruder = peer(editor, section, origin=b"https://evil.example")

    async def scenario():
        return await intruder.connect()

    assert run(scenario) is False


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_viewers_and_reviewers_watch_read_only(section, members, role):
    watcher, eddie = peer(members[role], section), peer(members["editor"], section)

    async def scenario():
        hello = await watcher.join()
        await eddie.join()
        await watcher.type("sneaky")
        error = await watcher.until("control")
        await eddie.type(" real")
        await eddie.acknowledged()
        await watcher.until("update")
        await watcher.leave()
        await eddie.leave()
        return hello, error

    hello, error = run(scenario)
    assert hello["read_only"] is True
    assert error == {"type": "error", "message": "You can watch this draft but not edit it."}
    assert watcher.acked == 1  # the empty step 2 only
    assert text_of_draft(section) == section.editable_body + " real"
    assert eddie.text() == section.editable_body + " real"


def test_a_demoted_editor_becomes_read_only_and_a_removed_one_is_closed(section, editor, owner):
    eddie = peer(editor, section)
    membership = Membership.objects.get(user=editor)

    async def scenario():
        await eddie.join()
        await database_sync_to_async(membership.change_role)(Role.VIEWER, by=owner)
        hello = await eddie.until("control")
        await eddie.type("after the demotion")
        await eddie.until("control")  # the refusal
        await database_sync_to_async(membership.remove)(by=owner)
        return hello, await eddie.closed_with()

    hello, code = run(scenario)
    assert hello["type"] == "hello" and hello["read_only"] is True
    assert code == 4403
    assert not DraftUpdate.objects.exists()


# Limits
def test_a_text_frame_or_garbage_is_4400(section, editor):
    async def scenario(eddie, send):
        await eddie.join()
        await send(eddie)
        return await eddie.closed_with()

    async def text(p):
        await p.ws.send_to(text_data="hello")

    async def garbage(p):
        await p.ws.send_to(bytes_data=b"\x00\x02\x05abc")  # a truncated update

    async def bad_update(p):
        await p.ws.send_to(bytes_data=protocol.update(b"\xff\xff\xff\x01garbage"))

    for send in (text, garbage, bad_update):
        assert async_to_sync(scenario)(peer(editor, section), send) == 4400
    assert not DraftUpdate.objects.exists()


def test_a_message_over_the_size_limit_is_4413(section, editor):
    eddie = peer(editor, section)

    async def scenario():
        await eddie.join()
        await eddie.type("x" * (limits.MAX_MESSAGE_BYTES + 1))
        return await eddie.closed_with()

    assert run(scenario) == 4413
    assert not DraftUpdate.objects.exists()


def test_too_many_messages_is_4429(section, editor, monkeypatch):
    monkeypatch.setattr(limits, "BURST", 20)
    monkeypatch.setattr(limits.TokenBucket.__init__, "__defaults__", (1, 20, limits.time.monotonic))
    eddie = peer(editor, section)

    async def scenario():
        await eddie.join()
        for _ in range(30):
            await eddie.ws.send_to(bytes_data=protocol.step1(b"\x00"))
        return await eddie.closed_with()

    assert run(scenario) == 4429


# Awareness
def test_awareness_is_relayed_under_the_real_name_and_removed_on_leaving(section, editor, owner):
    eddie, olivia = peer(editor, section), peer(owner, section)

    async def scenario():
        await eddie.join()
        await olivia.join()
        fake = {"user": {"id": owner.pk, "name": "olivia"}, "cursor": {"anchor": 1}}
        await eddie.send_awareness(1234, 1, fake)
        seen = await olivia.until("awareness")
        await eddie.leave()
        removed = await olivia.until("awareness")
        await olivia.leave()
        return seen, removed

    seen, removed = run(scenario)
    assert [e.client_id for e in seen] == [1234]
    state = json.loads(seen[0].state)
    assert state["user"]["name"] == "eddie" and state["cursor"] == {"anchor": 1}
    assert removed == [protocol.AwarenessEntry(1234, 2, "null")]


def test_a_newcomer_sees_who_is_there(section, editor, owner):
    eddie, olivia = peer(editor, section), peer(owner, section)

    async def scenario():
        await eddie.join()
        await eddie.send_awareness(77, 3, {"user": {}, "cursor": None})
        await eddie.nothing(0.1)
        assert await olivia.connect()
        await olivia.until("step1")
        present = await olivia.until("awareness")
        await eddie.leave()
        await olivia.leave()
        return present

    assert [e.client_id for e in run(scenario)] == [77]


# Draft events
def test_a_discarded_draft_is_announced_then_closed_with_4409(section, editor):
    from channels.layers import get_channel_layer

    from planhub.lib.broadcast import draft_group

    eddie = peer(editor, section)

    async def scenario():
        hello = await eddie.join()
        event = {"type": "discarded", "by": "olivia"}
        await get_channel_layer().group_send(
            draft_group(hello["draft"]), {"type": "draft.event", "event": event}
        )
        assert await eddie.until("control") == event
        return await eddie.closed_with()

    assert run(scenario) == 4409


def test_a_page_knowing_a_gone_draft_is_told_the_new_one(section, editor):
    eddie = peer(editor, section, draft=999999)

    async def scenario():
        hello = await eddie.until("control") if await eddie.connect() else None
        replaced = await eddie.until("control")
        await eddie.leave()
        return hello, replaced

    hello, replaced = run(scenario)
    assert replaced == {"type": "replaced", "draft": hello["draft"]}


# Several servers
def test_two_servers_sharing_redis_see_each_others_updates(section, editor, owner, redis_layer):
    from planhub.coediting import rooms

    eddie, olivia = peer(editor, section), peer(owner, section)

    async def scenario():
        await eddie.join()
        # The second "server": a process of its own has its own rooms (and its own channel).
        first_rooms = dict(rooms.open_rooms())
        rooms.open_rooms().clear()
        await olivia.join()
        second_rooms = dict(rooms.open_rooms())
        assert first_rooms.keys() == second_rooms.keys()
        assert first_rooms[next(iter(first_rooms))] is not second_rooms[next(iter(second_rooms))]
        await eddie.type(" from server one")
        await olivia.until("update")
        await olivia.type(" and server two")
        await eddie.until("update")
        await eddie.acknowledged()
        await olivia.acknowledged()
        room_texts = [
            str(room.doc.get("body", type=pycrdt.Text))
            for room in (*first_rooms.values(), *second_rooms.values())
        ]
        await olivia.leave()
        rooms.open_rooms().update(first_rooms)
        await eddie.leave()
        return room_texts

    room_texts = run(scenario)
    expected = section.editable_body + " from server one and server two"
    assert eddie.text() == olivia.text() == expected
    assert room_texts == [expected, expected]
    assert DraftUpdate.objects.count() == 2  # each stored once, by the server that received it


def test_membership_changes_are_broadcast_after_commit(editor, owner):
    from planhub.coediting import signals

    sent = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signals, "send_after_commit", lambda group, message: sent.append(group))
        membership = Membership.objects.get(user=editor)
        with transaction.atomic():
            membership.change_role(Role.REVIEWER, by=owner)
        membership.remove(by=owner)
    group = f"member-{membership.project_id}-{editor.pk}"
    assert sent == [group, group]


# With the draft domain: publishing, a save made without the draft, compaction
def test_publishing_tells_everyone_in_the_draft(section, editor, owner):
    eddie, olivia = peer(editor, section), peer(owner, section)

    async def scenario():
        await eddie.join()
        await olivia.join()
        await eddie.type(" Done.")
        await eddie.acknowledged()
        draft = await database_sync_to_async(Draft.objects.get)(section=section)
        await database_sync_to_async(drafts.publish)(draft, owner)
        events = [await eddie.until("control"), await olivia.until("control")]
        await eddie.leave()
        await olivia.leave()
        return events

    body_before = section.editable_body
    events = run(scenario)
    section.refresh_from_db()
    assert section.editable_body == body_before + " Done."
    published = {"type": "published", "version": section.version, "by": "olivia"}
    assert events == [published, published]


def test_a_save_without_the_draft_reaches_the_editors_in_it(section, editor, owner):
    eddie = peer(editor, section)

    async def scenario():
        await eddie.join()
        await database_sync_to_async(section.save_edit)(
            author=owner,
            heading="Scope",
            body="Saved by a browser without JavaScript.\n",
            base_version=section.version,
        )
        merged = await eddie.until("control")
        await eddie.leave()
        return merged

    merged = run(scenario)
    assert merged["type"] == "merged" and merged["by"] == "olivia"
    assert "Saved by a browser without JavaScript." in eddie.text()


def test_the_owner_compacts_a_long_draft(section, editor, monkeypatch):
    from planhub.coediting import rooms

    monkeypatch.setattr(rooms, "COMPACT_AFTER", 5)
    eddie = peer(editor, section)

    async def scenario():
        await eddie.join()
        room = next(iter(rooms.open_rooms().values()))
        await room.lease.refresh()
        for letter in "abcdefg":
            await eddie.type(letter)
            await eddie.acknowledged()
        while room.compacting is not None:
            await room.compacting
        await eddie.leave()

    run(scenario)
    assert DraftUpdate.objects.count() < 7
    assert text_of_draft(section).endswith("abcdefg")
