"""One owner process per open draft: a lease (Redis `SET NX PX` with the Redis channel layer,
the process's memory with the in-memory one, where the process is the only server). The owner
does the draft's housekeeping (compaction); storing is not the owner's job: each update is
stored by the process whose connection received it, exactly once, before it is acknowledged.
A lease left by a process that died expires after LEASE_MS; another process then takes over."""

import asyncio
import os
import uuid
import weakref

from django.conf import settings

LEASE_MS = 15_000
RENEW_SECONDS = 5.0
PROCESS = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""

_local: set[int] = set()
_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, object]" = (
    weakref.WeakKeyDictionary()
)


def _redis_config() -> tuple[str, str] | None:
    """(Redis URL, key prefix) when the channel layer is Redis, else None."""
    layer = settings.CHANNEL_LAYERS.get("default", {})
    if "redis" not in layer.get("BACKEND", "").lower():
        return None
    config = layer.get("CONFIG", {})
    host = config.get("hosts", ["redis://127.0.0.1:6379"])[0]
    url = host if isinstance(host, str) else host.get("address", "redis://127.0.0.1:6379")
    return url, config.get("prefix", "planhub")


def _client(url: str):
    # One client per event loop: a connection pool cannot cross loops.
    import redis.asyncio as redis

    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None:
        client = _clients[loop] = redis.from_url(url)
    return client


class Lease:
    """This process's claim on draft `draft_id`; `held` says whether it is the owner now."""

    def __init__(self, draft_id: int, holder: str = ""):
        self.draft_id, self.held = draft_id, False
        self.holder = holder or PROCESS
        self.redis = _redis_config()
        self.key = f"{self.redis[1]}:draft-owner:{draft_id}" if self.redis else ""

    async def refresh(self) -> bool:
        """Renew the lease if held, else try to take it; whether it is held now."""
        if self.redis is None:
            if self.draft_id not in _local:
                _local.add(self.draft_id)
            self.held = True
            return True
        client = _client(self.redis[0])
        if self.held:
            self.held = bool(await client.eval(_RENEW, 1, self.key, self.holder, LEASE_MS))
        if not self.held:
            self.held = bool(await client.set(self.key, self.holder, nx=True, px=LEASE_MS))
        return self.held

    async def release(self) -> None:
        if self.held:
            if self.redis is None:
                _local.discard(self.draft_id)
            else:
                await _client(self.redis[0]).eval(_RELEASE, 1, self.key, self.holder)
        self.held = False


async def close_client() -> None:
    """Close this loop's Redis client (when its last room closes)."""
    try:
        client = _clients.pop(asyncio.get_running_loop(), None)
    except RuntimeError:
        return
    if client is not None:
        await client.aclose()
