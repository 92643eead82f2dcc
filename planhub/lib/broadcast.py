"""Events for WebSocket consumers on every app server, through the channel layer (Redis in
production, one process's memory in `make run`). Sent after the current transaction commits,
so that nobody is told about a write that then rolls back."""

import asyncio
import threading
from contextlib import contextmanager
from contextvars import ContextVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def draft_group(draft_id: int) -> str:
    """Every connection editing or watching draft `draft_id`."""
    return f"draft-{draft_id}"


def plan_group(plan_id: int) -> str:
    """Every plan page of plan `plan_id` with its live channel open."""
    return f"plan-{plan_id}"


def member_group(project_id: int, user_id: int) -> str:
    """Every connection of `user_id` in `project_id` (closed or narrowed on a role change)."""
    return f"member-{project_id}-{user_id}"


# The events held by `batched()` in this context (None: sent one by one, at once).
_held: ContextVar[list | None] = ContextVar("held_broadcasts", default=None)


@contextmanager
def batched():
    """Hold the events sent while the block runs (each still only once its transaction
    commits) and send them together when it ends: one trip to the channel layer instead of
    one per event (a save announces the plan's change, the draft's update and the merge). A
    view that writes is wrapped in it; nested blocks join the outer one."""
    if _held.get() is not None:
        yield
        return
    token = _held.set([])
    try:
        yield
    finally:
        events = _held.get()
        _held.reset(token)
        if events:
            _send_all(events)


def send_now(group: str, message: dict) -> None:
    events = _held.get()
    if events is not None:
        events.append((group, message))
        return
    _send_all([(group, message)])


def _send_all(events: list[tuple[str, dict]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send_in_order() -> None:
        for group, message in events:
            await layer.group_send(group, message)

    send = async_to_sync(send_in_order)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send()
        return
    # Sync code called on a thread that runs an event loop (a script or test driving
    # Playwright's sync API, say): async_to_sync refuses to run there, so send from another.
    sender = threading.Thread(target=send)
    sender.start()
    sender.join()


def send_after_commit(group: str, message: dict) -> None:
    transaction.on_commit(lambda: send_now(group, message))
