import asyncio

import pytest
from channels.layers import channel_layers, get_channel_layer

from planhub.lib.broadcast import send_now


@pytest.fixture
def memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends = {}
    yield get_channel_layer()
    channel_layers.backends = {}


def test_a_write_made_on_a_thread_running_an_event_loop_is_still_announced(memory_layer):
    """Sync code (a save) called where an event loop runs, as under Playwright's sync API: the
    event still reaches the group instead of async_to_sync refusing to run."""

    async def scenario():
        channel = await memory_layer.new_channel()
        await memory_layer.group_add("plan-1", channel)
        send_now("plan-1", {"type": "plan.changed", "section": 7, "kind": "published"})
        return await asyncio.wait_for(memory_layer.receive(channel), timeout=5)

    assert asyncio.run(scenario())["section"] == 7


def test_events_held_by_batched_go_together_in_order(memory_layer, transactional_db):
    """A save's events reach the layer in one trip when the view ends, in the order sent, and
    only those whose transaction committed."""
    from django.db import transaction

    from planhub.lib.broadcast import batched, send_after_commit

    async def listen():
        channel = await memory_layer.new_channel()
        await memory_layer.group_add("plan-1", channel)
        await memory_layer.group_add("draft-2", channel)
        return channel

    channel = asyncio.run(listen())
    trips = []
    real_send = memory_layer.group_send

    async def counted(group, message):
        trips.append(group)
        await real_send(group, message)

    memory_layer.group_send = counted
    with batched():
        with transaction.atomic():
            send_after_commit("plan-1", {"type": "plan.changed", "n": 1})
        try:
            with transaction.atomic():
                send_after_commit("plan-1", {"type": "plan.changed", "n": "rolled back"})
                raise RuntimeError
        except RuntimeError:
            pass
        with batched():  # nested: joins the outer block
            send_now("draft-2", {"type": "draft.event", "n": 2})
        assert trips == []  # held until the block ends
    assert trips == ["plan-1", "draft-2"]

    async def received():
        return [(await memory_layer.receive(channel))["n"] for _ in range(2)]

    assert asyncio.run(received()) == [1, 2]
