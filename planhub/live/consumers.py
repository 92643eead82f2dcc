"""The plan page's push channel: `plan.changed` events of the plan's group as text JSON
`{"type": "changed", "section": id|null, "kind": ...}`. The page then fetches the live poll at
once (the poll stays the truth; this only says when to ask). Any member may listen."""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from planhub.lib.broadcast import member_group, plan_group

from .access import membership_of, plan_access
from .models import Presence

NOT_LOGGED_IN, NO_ACCESS, NOT_FOUND, MALFORMED = 4401, 4403, 4404, 4400


class PlanLiveConsumer(AsyncWebsocketConsumer):
    joined: list[str] = []
    closing = False

    async def connect(self) -> None:
        await self.accept()  # before any close, so that the browser sees the close code
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            return await self.refuse(NOT_LOGGED_IN)
        plan_id = int(self.scope["url_route"]["kwargs"]["plan_id"])
        access = await database_sync_to_async(plan_access)(self.user, plan_id)
        if access.project_id is None:
            return await self.refuse(NOT_FOUND)
        if access.mfa_missing:
            return await self.refuse(NO_ACCESS)
        self.project_id, self.plan_id = access.project_id, plan_id
        self.joined = [plan_group(plan_id), member_group(self.project_id, self.user.pk)]
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)

    async def disconnect(self, code) -> None:
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.joined and await database_sync_to_async(leave)(self.plan_id, self.user.pk):
            event = {"type": "plan.changed", "section": None, "kind": "presence"}
            await self.channel_layer.group_send(plan_group(self.plan_id), event)

    async def refuse(self, code: int) -> None:
        self.closing = True
        await self.close(code)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        # The page only listens; anything it says is a mistake (bounded: one close).
        if not self.closing:
            await self.refuse(MALFORMED)

    async def plan_changed(self, event: dict) -> None:
        if self.closing:
            return
        message = {"type": "changed", "section": event.get("section"), "kind": event.get("kind")}
        await self.send(text_data=json.dumps(message))

    async def member_changed(self, event: dict) -> None:
        if self.closing:
            return
        if await database_sync_to_async(membership_of)(self.user.pk, self.project_id) is None:
            await self.refuse(NO_ACCESS)


def leave(plan_id: int, user_id: int) -> bool:
    """The page closed: its pushed heartbeat goes (one polling without a socket stays until it
    expires, as before). True when there was one, for the others to hear."""
    deleted, _ = Presence.objects.filter(plan_id=plan_id, user_id=user_id, pushed=True).delete()
    return deleted > 0
