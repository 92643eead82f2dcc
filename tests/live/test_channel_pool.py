"""Hundreds of plan pages closing at once: every socket's group_discard gets a Redis
connection of the process's pool (issue 19: the default 100 raised MaxConnectionsError)."""

import asyncio
import os
import secrets

import pytest
import redis
from channels_redis.core import RedisChannelLayer
from django.conf import settings

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PAGES = 500


async def close_pages(layer: RedisChannelLayer) -> None:
    channels = [await layer.new_channel() for _ in range(PAGES)]
    for channel in channels:
        await layer.group_add("plan-1", channel)
    await asyncio.gather(*(layer.group_discard("plan-1", channel) for channel in channels))
    await layer.flush()


def test_five_hundred_pages_closing_at_once_get_a_connection_each():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError as error:
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    host = {"address": REDIS_URL, **settings.CHANNEL_REDIS_CONNECTION}
    layer = RedisChannelLayer(hosts=[host], prefix=f"test-pool-{secrets.token_hex(4)}")
    asyncio.run(close_pages(layer))
