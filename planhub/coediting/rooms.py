"""Rooms: one pycrdt Doc per open draft per process, shared by that process's connections.

A room is a cache of what the database holds: it is loaded (drafts.load_doc) when its first
connection arrives, after that connection has joined the draft's group, so that every update
stored after the load reaches it through the group; it holds nothing that is not stored
(a client's update is applied after drafts.store_update returns); it goes when its last
connection leaves. The room also keeps the awareness states it has seen (from this process's
connections and, through the group, other servers'), so that a newcomer sees who is there."""

import asyncio
import logging
import time
from collections import OrderedDict

import pycrdt
from channels.db import database_sync_to_async

from . import drafts, ownership
from .models import DraftUpdate
from .protocol import EMPTY_UPDATE, AwarenessEntry

log = logging.getLogger(__name__)

COMPACT_AFTER = 500  # stored updates since the snapshot before the owner compacts
AWARENESS_TIMEOUT = 30.0  # seconds; y-protocols clients renew their state every 15 s
RECENT_IDS = 4096

_rooms: dict[int, "Room"] = {}


class Room:
    def __init__(self, draft_id: int):
        self.draft_id = draft_id
        self.doc = pycrdt.Doc()
        self.connections: set[str] = set()
        self.awareness: dict[int, tuple[AwarenessEntry, float]] = {}
        self.owners: dict[int, str] = {}  # awareness client id -> local channel that owns it
        self.recent: OrderedDict[int, None] = OrderedDict()  # stored update ids applied
        self.stored = 0  # updates stored since the snapshot, as far as this process knows
        self.lease = ownership.Lease(draft_id)
        self.ready: asyncio.Future = asyncio.get_running_loop().create_future()
        self.housekeeping: asyncio.Task | None = None
        self.compacting: asyncio.Task | None = None

    # The document
    def state(self) -> bytes:
        return self.doc.get_state()

    def missing(self, state_vector: bytes) -> bytes:
        """What a client with `state_vector` lacks (ValueError if it is not a state vector)."""
        return self.doc.get_update(state_vector)

    def contains(self, update: bytes) -> bool:
        """Whether the room (so the database) already has all of `update` (a replay)."""
        if update == EMPTY_UPDATE:
            return True
        return pycrdt.get_update(update, self.state()) == EMPTY_UPDATE

    def apply(self, update: bytes, update_id: int | None = None) -> bool:
        """Apply a stored update once per room; False when it was applied already."""
        if update_id is not None:
            if update_id in self.recent:
                return False
            self.recent[update_id] = None
            if len(self.recent) > RECENT_IDS:
                self.recent.popitem(last=False)
            self.stored += 1
            self._maybe_compact()
        self.doc.apply_update(update)
        return True

    # Awareness
    def claim(self, client_id: int, channel: str) -> bool:
        """Whether `channel` may speak for awareness client `client_id` (first come)."""
        owner = self.owners.setdefault(client_id, channel)
        return owner == channel

    def remember(self, entries: list[AwarenessEntry]) -> None:
        now = time.monotonic()
        for entry in entries:
            known = self.awareness.get(entry.client_id)
            if known is not None and known[0].clock > entry.clock:
                continue
            if entry.gone:
                self.awareness.pop(entry.client_id, None)
            else:
                self.awareness[entry.client_id] = (entry, now)

    def present(self) -> list[AwarenessEntry]:
        """The awareness states heard of within AWARENESS_TIMEOUT."""
        cutoff = time.monotonic() - AWARENESS_TIMEOUT
        return [entry for entry, seen in self.awareness.values() if seen >= cutoff]

    def release(self, channel: str) -> list[AwarenessEntry]:
        """`channel` left: the awareness removals to tell the others."""
        gone = []
        for client_id in [c for c, owner in self.owners.items() if owner == channel]:
            del self.owners[client_id]
            known = self.awareness.pop(client_id, None)
            clock = known[0].clock + 1 if known else 1
            gone.append(AwarenessEntry(client_id, clock, "null"))
        return gone

    # Ownership and compaction
    async def _housekeep(self) -> None:
        while True:
            try:
                await self.lease.refresh()
                self._maybe_compact()
            except Exception:  # Redis away: try again later, the room still works
                log.warning("draft %s: lease refresh failed", self.draft_id, exc_info=True)
            await asyncio.sleep(ownership.RENEW_SECONDS)

    def _maybe_compact(self) -> None:
        if self.lease.held and self.stored >= COMPACT_AFTER and self.compacting is None:
            self.stored = 0
            self.compacting = asyncio.get_running_loop().create_task(self._compact())

    async def _compact(self) -> None:
        try:
            await database_sync_to_async(drafts.compact)(self.draft_id)
        except Exception:
            log.exception("draft %s: compaction failed", self.draft_id)
        finally:
            self.compacting = None


def _load(draft) -> tuple[bytes, int]:
    doc = drafts.load_doc(draft)
    return doc.get_update(), DraftUpdate.objects.filter(draft_id=draft.pk).count()


async def join(draft, channel: str) -> Room:
    """The room of `draft` with `channel` in it, loaded (join the draft's group first)."""
    while True:
        room = _rooms.get(draft.pk)
        if room is None:
            room = _rooms[draft.pk] = Room(draft.pk)
            try:
                state, stored = await database_sync_to_async(_load)(draft)
            except BaseException as error:
                _rooms.pop(draft.pk, None)
                room.ready.set_exception(error)
                room.ready.exception()  # retrieved: the waiters re-raise it
                raise
            room.doc.apply_update(state)
            room.stored = stored
            room.housekeeping = asyncio.get_running_loop().create_task(room._housekeep())
            room.ready.set_result(None)
        else:
            await asyncio.shield(room.ready)
        if _rooms.get(draft.pk) is room:  # not closed by its last connection meanwhile
            room.connections.add(channel)
            return room


async def leave(room: Room, channel: str) -> list[AwarenessEntry]:
    """`channel` leaves the room; the last one out closes it. The awareness removals to send."""
    gone = room.release(channel)
    room.connections.discard(channel)
    if not room.connections and _rooms.get(room.draft_id) is room:
        del _rooms[room.draft_id]
        if room.housekeeping is not None:
            room.housekeeping.cancel()
        try:
            await room.lease.release()
        except Exception:
            log.warning("draft %s: lease release failed", room.draft_id, exc_info=True)
        if not _rooms:
            await ownership.close_client()
    return gone


def open_rooms() -> dict[int, Room]:
    return _rooms
