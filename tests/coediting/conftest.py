import os

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer
from pycrdt import Doc, Text

from planhub.coediting import drafts
from planhub.lib.broadcast import draft_group

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _reset_layers():
    channel_layers.backends = {}


@pytest.fixture(autouse=True)
def memory_layer(settings):
    """Each test starts with a fresh in-memory channel layer and no open room."""
    from planhub.coediting import rooms

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    _reset_layers()
    rooms.open_rooms().clear()
    yield
    rooms.open_rooms().clear()
    _reset_layers()


@pytest.fixture
def redis_layer(settings, memory_layer):
    """The Redis channel layer, under a prefix of this test run's own."""
    prefix = f"test-consumer-{os.getpid()}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "prefix": prefix,
            },
        }
    }
    _reset_layers()
    return prefix


@pytest.fixture
def overview(plan):
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    return section


@pytest.fixture
def listen():
    """listen(draft_id) -> a function returning the messages sent to the draft's group since
    (`group=plan_group`: a plan's)."""
    layer = get_channel_layer()

    def start(draft_id, group=draft_group):
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(group(draft_id), channel)

        def received():
            messages = []
            while True:
                try:
                    messages.append(async_to_sync(_receive)(layer, channel))
                except TimeoutError:
                    return messages

        return received

    return start


async def _receive(layer, channel):
    import asyncio

    return await asyncio.wait_for(layer.receive(channel), 0.05)


def type_into(draft, author, edit) -> bytes:
    """A browser's doc synced with the draft, `edit(body_text)` applied, the update stored."""
    doc = drafts.load_doc(draft)
    before = doc.get_state()
    edit(doc.get("body", type=Text))
    update = doc.get_update(before)
    drafts.store_update(draft.pk, update, author.pk if author else None)
    return update


def replica(draft) -> Doc:
    return drafts.load_doc(draft)
