"""The WebSocket of a section's shared draft (docs/coediting-protocol.md): the y-websocket
protocol plus ACK (how many of this connection's updates are stored) and CONTROL (JSON events).

Every client update is validated, stored (drafts.store_update) and only then acknowledged,
applied to the room and broadcast to the draft's group: whatever a browser has seen
acknowledged or seen arrive from others is in the database."""

import json
import logging
import time
from urllib.parse import parse_qs

import pycrdt
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from planhub.lib.broadcast import draft_group, member_group

from . import drafts, limits, protocol, rooms
from .access import role_of, section_access
from .presence import user_info

log = logging.getLogger(__name__)

NOT_LOGGED_IN, NO_ACCESS, NOT_FOUND = 4401, 4403, 4404
MALFORMED, TOO_LARGE, TOO_MANY, GONE = 4400, 4413, 4429, 4409
STORE_FAILED = 1011  # the client keeps the update and sends it again after reconnecting
READ_ONLY_MESSAGE = "You can watch this draft but not edit it."
# Group memberships expire in channels_redis (a day by default): an open editor renews its own.
REJOIN_SECONDS = 3600


class DraftConsumer(AsyncWebsocketConsumer):
    draft = None
    room: rooms.Room | None = None
    closing = False

    async def connect(self) -> None:
        await self.accept()  # before any close, so that the browser sees the close code
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            return await self.refuse(NOT_LOGGED_IN)
        access = await database_sync_to_async(section_access)(
            self.user, int(self.scope["url_route"]["kwargs"]["section_id"])
        )
        if access.section is None:
            return await self.refuse(NOT_FOUND)
        if access.mfa_missing:
            return await self.refuse(NO_ACCESS)
        self.project_id = access.section.plan.project_id
        self.read_only = not access.can_edit
        self.acked = 0
        self.refusals = 0
        self.bucket = limits.TokenBucket()
        self.info = user_info(self.user)
        self.draft = await database_sync_to_async(drafts.open_draft)(access.section)
        self.groups_joined = [
            draft_group(self.draft.pk),
            member_group(self.project_id, self.user.pk),
        ]
        await self.join_groups()  # before the room loads: nothing stored after it is missed
        self.room = await rooms.join(self.draft, self.channel_name)
        await self.hello()
        known = _known_draft(self.scope.get("query_string", b""))
        if known is not None and known != self.draft.pk:
            await self.control({"type": "replaced", "draft": self.draft.pk})
        await self.send(bytes_data=protocol.step1(self.room.state()))
        present = self.room.present()
        if present:
            await self.send(bytes_data=protocol.awareness(protocol.awareness_payload(present)))

    async def disconnect(self, code) -> None:
        if self.room is not None:
            room, self.room = self.room, None
            gone = await rooms.leave(room, self.channel_name)
            if gone:
                await self.group_send_quietly(
                    {
                        "type": "draft.awareness",
                        "message": protocol.awareness_payload(gone),
                        "sender": self.channel_name,
                    }
                )
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def join_groups(self) -> None:
        self.joined_at = time.monotonic()
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)

    async def refuse(self, code: int) -> None:
        self.closing = True
        await self.close(code)

    async def hello(self) -> None:
        await self.control(
            {
                "type": "hello",
                "draft": self.draft.pk,
                "base_version": self.draft.base_version,
                "read_only": self.read_only,
                "user": self.info,
            }
        )

    async def control(self, event: dict) -> None:
        await self.send(bytes_data=protocol.control(event))

    # From the browser
    async def receive(self, text_data=None, bytes_data=None) -> None:
        if self.closing or self.room is None:
            return
        if bytes_data is None:
            return await self.refuse(MALFORMED)
        if len(bytes_data) > limits.MAX_MESSAGE_BYTES:
            return await self.refuse(TOO_LARGE)
        if not self.bucket.take():
            return await self.refuse(TOO_MANY)
        if time.monotonic() - self.joined_at > REJOIN_SECONDS:  # clients renew awareness: 15 s
            await self.join_groups()
        try:
            message = protocol.parse(bytes_data)
            if message.kind == "step1":
                reply = self.room.missing(message.payload)
                await self.send(bytes_data=protocol.step2(reply))
            elif message.kind in ("step2", "update"):
                await self.client_update(message.payload)
            elif message.kind == "awareness":
                await self.client_awareness(protocol.parse_awareness(message.payload))
            else:  # query-awareness
                present = protocol.awareness_payload(self.room.present())
                await self.send(bytes_data=protocol.awareness(present))
        except ValueError:  # protocol.Malformed, or pycrdt refusing what it was given
            await self.refuse(MALFORMED)

    async def client_update(self, update: bytes) -> None:
        pycrdt.get_state(update)  # ValueError unless it decodes as a Yjs update
        if self.room.contains(update):  # nothing new (an empty step 2, a replay): stored already
            return await self.acknowledge()
        if self.read_only:
            self.refusals += 1
            if self.refusals == 1 or self.refusals % 100 == 0:
                await self.control({"type": "error", "message": READ_ONLY_MESSAGE})
            return
        try:
            update_id = await database_sync_to_async(drafts.store_update)(
                self.draft.pk, update, self.user.pk
            )
        except drafts.DraftGone:
            return await self.refuse(GONE)
        except Exception:
            log.exception("draft %s: storing an update failed", self.draft.pk)
            return await self.refuse(STORE_FAILED)
        self.room.apply(update, update_id)
        await self.acknowledge()
        await self.group_send_quietly(
            {"type": "draft.update", "update": update, "sender": self.channel_name, "id": update_id}
        )

    async def acknowledge(self) -> None:
        self.acked += 1
        await self.send(bytes_data=protocol.ack(self.acked))

    async def client_awareness(self, entries: list[protocol.AwarenessEntry]) -> None:
        own = []
        for entry in entries:
            if len(entry.state) > limits.MAX_AWARENESS_STATE:
                return await self.refuse(TOO_LARGE)
            if not self.room.claim(entry.client_id, self.channel_name):
                continue  # another connection's client: not this one's to change
            own.append(self.vouched(entry))
        if own:
            self.room.remember(own)
            await self.group_send_quietly(
                {
                    "type": "draft.awareness",
                    "message": protocol.awareness_payload(own),
                    "sender": self.channel_name,
                }
            )

    def vouched(self, entry: protocol.AwarenessEntry) -> protocol.AwarenessEntry:
        """The entry with the connection's own user in it: nobody types under another's name."""
        if entry.gone:
            return entry
        state = json.loads(entry.state)
        state["user"] = self.info
        return protocol.AwarenessEntry(entry.client_id, entry.clock, json.dumps(state))

    async def group_send_quietly(self, message: dict) -> None:
        # What is stored is safe; peers that miss a broadcast get it at their next sync.
        try:
            await self.channel_layer.group_send(draft_group(self.draft.pk), message)
        except Exception:
            log.warning("draft %s: broadcast failed", self.draft.pk, exc_info=True)

    # From the group
    async def draft_update(self, event: dict) -> None:
        if self.room is None or self.closing:
            return
        self.room.apply(event["update"], event.get("id"))
        if event.get("sender") != self.channel_name:
            await self.send(bytes_data=protocol.update(event["update"]))

    async def draft_awareness(self, event: dict) -> None:
        if self.room is None or self.closing or event.get("sender") == self.channel_name:
            return
        self.room.remember(protocol.parse_awareness(event["message"]))
        await self.send(bytes_data=protocol.awareness(event["message"]))

    async def draft_event(self, event: dict) -> None:
        if self.room is None or self.closing:
            return
        kind = event["event"].get("type")
        if kind in ("published", "merged"):  # the draft is on that version now
            self.draft.base_version = event["event"]["version"]
        await self.control(event["event"])
        if kind == "discarded":
            await self.refuse(GONE)  # the browser reconnects, to the section's next draft

    async def member_changed(self, event: dict) -> None:
        if self.room is None or self.closing:
            return
        membership = await database_sync_to_async(role_of)(self.user.pk, self.project_id)
        if membership is None:
            return await self.refuse(NO_ACCESS)
        if self.read_only == membership.can_edit:
            self.read_only = not membership.can_edit
            self.refusals = 0
            await self.hello()


def _known_draft(query_string: bytes) -> int | None:
    """The draft id the page knows (`?draft=`), None when absent or not a number."""
    try:
        value = parse_qs(query_string.decode("latin-1")).get("draft", [""])[0]
    except ValueError:
        return None
    return int(value) if value.isdigit() and len(value) < 19 else None
