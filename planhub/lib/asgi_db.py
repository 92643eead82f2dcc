"""Database connections of pages served through ASGI.

Django runs each ASGI request's view in a thread of its own, so a persistent connection
(CONN_MAX_AGE) kept at the end of a request belongs to a thread that never serves again: under
load they pile up until PostgreSQL refuses new clients. A request served through ASGI closes
its connections when it ends; the WebSocket consumers, whose database calls share one thread per
process, keep theirs (a connection per stored keystroke was 200 times slower, docs/asgi-server.md).
"""

from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished
from django.db import connections
from django.dispatch import receiver


@receiver(request_finished, dispatch_uid="lib-close-asgi-request-connections")
def close_asgi_request_connections(sender, **kwargs) -> None:
    if isinstance(sender, type) and issubclass(sender, ASGIHandler):
        connections.close_all()
