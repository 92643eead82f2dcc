"""How the rest of PlanHub tells a project's webhooks about things: `publish(...)`."""

from .events import WebhookEvent


def publish(project, event: WebhookEvent | str, data: dict) -> None:
    """Queue a delivery of `event` with `data` (JSON-serialisable) to each of the project's
    webhooks that asked for it; sent by the worker once the caller's transaction commits."""
    WebhookEvent(event)  # an unknown event is a programming error
