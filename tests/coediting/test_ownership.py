"""The owner lease of a draft (planhub/coediting/ownership.py): one holder at a time, taken
over when the holder goes or its lease runs out."""

import asyncio

import pytest
from asgiref.sync import async_to_sync

from planhub.coediting import ownership


def run(scenario):
    return async_to_sync(scenario)()


def test_in_memory_the_process_owns_every_draft():
    async def scenario():
        lease = ownership.Lease(1)
        assert await lease.refresh()
        await lease.release()
        return lease.held

    assert run(scenario) is False


async def fresh(draft_id: int, holder: str) -> ownership.Lease:
    lease = ownership.Lease(draft_id, holder)
    await ownership._client(lease.redis[0]).delete(lease.key)  # a leftover of an earlier run
    return lease


@pytest.mark.usefixtures("redis_layer")
def test_with_redis_one_holder_at_a_time():
    async def scenario():
        first = await fresh(42, "server-1")
        second = ownership.Lease(42, "server-2")
        assert await first.refresh()
        assert not await second.refresh()  # not while the lease lives
        assert await first.refresh()  # renewed by its holder
        await second.release()  # not the holder: changes nothing
        assert await first.refresh()
        await first.release()
        assert await second.refresh()  # released: taken over
        assert not await first.refresh()
        await second.release()
        await ownership.close_client()

    run(scenario)


@pytest.mark.usefixtures("redis_layer")
def test_with_redis_an_expired_lease_is_taken_over(monkeypatch):
    monkeypatch.setattr(ownership, "LEASE_MS", 50)

    async def scenario():
        dead = await fresh(43, "server-that-dies")
        assert await dead.refresh()  # then its process dies: no renewal, no release
        survivor = ownership.Lease(43, "survivor")
        assert not await survivor.refresh()
        await asyncio.sleep(0.1)
        assert await survivor.refresh()
        assert not await dead.refresh()  # back from the dead: no longer the owner
        await survivor.release()
        await ownership.close_client()

    run(scenario)
