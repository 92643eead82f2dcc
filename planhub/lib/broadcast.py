"""Events for WebSocket consumers on every app server, through the channel layer (Redis in
production, one process's memory in `make run`). Sent after the current transaction commits,
so that nobody is told about a write that then rolls back."""

import asyncio
import threading

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


def send_now(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send(group, message)
        return
    # Sync code called on a thread that runs an event loop (a script or test driving
    # Playwright's sync API, say): async_to_sync refuses to run there, so send from another.
    sender = threading.Thread(target=send, args=(group, message))
    sender.start()
    sender.join()


def send_after_commit(group: str, message: dict) -> None:
    transaction.on_commit(lambda: send_now(group, message))
