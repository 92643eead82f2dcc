"""Presence of pages whose push channel is open: they poll every few minutes, so their heartbeat
counts longer, what others must see is announced on the channel, and closing the socket takes
the person away at once."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone

from planhub.live.models import PRESENCE_TTL, PUSHED_TTL, Presence

from .conftest import poll_url, section_of
from .test_consumer import changed, connected, listener, memory_layer  # noqa: F401 - the fixture

PRESENCE = {"type": "changed", "section": None, "kind": "presence"}


def poll(client, plan, *, editing="", pushed=True):
    since = (timezone.now() - timedelta(seconds=5)).isoformat()
    query = {"since": since, "editing": editing, "pushed": "1" if pushed else ""}
    response = client.get(poll_url(plan), query)
    assert response.status_code == 200
    return response.json()


def names_here(client, plan) -> list[str]:
    return [person["user"] for person in poll(client, plan, pushed=False)["presence"]]


@pytest.mark.django_db
def test_a_pushed_heartbeat_counts_until_pushed_ttl(client, owner, editor, doc):
    client.force_login(editor)
    poll(client, doc, pushed=True)
    assert Presence.objects.get().pushed
    Presence.objects.update(last_seen=timezone.now() - PRESENCE_TTL - timedelta(seconds=5))
    client.force_login(owner)
    assert names_here(client, doc) == [editor.username]  # past the short TTL: still here
    Presence.objects.filter(user=editor).update(
        last_seen=timezone.now() - PUSHED_TTL - timedelta(seconds=1)
    )
    assert names_here(client, doc) == []
    assert Presence.objects.expired(timezone.now()).filter(user=editor).exists()


@pytest.mark.django_db
def test_a_heartbeat_without_a_socket_keeps_the_short_ttl(client, owner, editor, doc):
    client.force_login(editor)
    poll(client, doc, pushed=False)
    Presence.objects.update(last_seen=timezone.now() - PRESENCE_TTL - timedelta(seconds=1))
    client.force_login(owner)
    assert names_here(client, doc) == []
    client.force_login(editor)
    poll(client, doc, pushed=True)
    poll(client, doc, pushed=False)  # the socket closed: the short TTL again, at once
    assert not Presence.objects.get(user=editor).pushed


@pytest.mark.django_db(transaction=True)
def test_arriving_and_editing_are_announced_once_and_leaving_too(doc, owner, editor):
    ws = listener(owner, doc)
    web = Client()
    web.force_login(editor)
    scope = str(section_of(doc, "Scope").pk)

    async def scenario():
        assert await connected(ws, owner, doc)
        heard = []
        await database_sync_to_async(poll)(web, doc)  # the editor arrives
        heard.append(await changed(ws))
        await database_sync_to_async(poll)(web, doc)  # nothing new for the others
        await database_sync_to_async(poll)(web, doc, editing=scope)
        heard.append(await changed(ws))
        assert await ws.receive_nothing(0.2)
        # The editor's page closes its socket: they leave, and the owner hears it.
        editor_ws = listener(editor, doc)
        assert (await editor_ws.connect())[0]
        await editor_ws.disconnect()
        heard.append(await changed(ws))
        await ws.disconnect()
        return heard

    assert async_to_sync(scenario)() == [PRESENCE, PRESENCE, PRESENCE]
    assert not Presence.objects.filter(user=editor).exists()


@pytest.mark.django_db(transaction=True)
def test_closing_a_socket_leaves_a_polling_heartbeat_alone(doc, editor):
    """Another tab of the same person polls without a socket: it stays until it expires."""
    web = Client()
    web.force_login(editor)
    poll(web, doc, pushed=False)

    async def scenario():
        ws = listener(editor, doc)
        assert (await ws.connect())[0]
        await ws.disconnect()

    async_to_sync(scenario)()
    assert Presence.objects.filter(user=editor, pushed=False).exists()
