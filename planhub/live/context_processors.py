"""Whether this page can open WebSockets (co-editing, the plan page's push channel)."""

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest


def websockets(request: HttpRequest) -> dict[str, bool]:
    # Only the ASGI application (planhub/asgi.py) serves /ws/...: a page served through WSGI
    # (runserver, a WSGI host, pytest-django's live server) must not try, or the browser
    # reports a failed connection for every attempt and the editor waits for nothing.
    return {"websockets": isinstance(request, ASGIRequest)}
