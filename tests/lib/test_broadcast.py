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
