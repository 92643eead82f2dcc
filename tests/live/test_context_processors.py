"""Pages say whether they can open WebSockets: only when served by the ASGI app (the browser
tests under uvicorn, tests/e2e/test_coediting_editor.py, show the other side: the editor mounts)."""

import io

from django.core.handlers.asgi import ASGIRequest
from django.test import RequestFactory

from planhub.live.context_processors import websockets

META = '<meta name="planhub-websockets" content="on">'


def test_a_page_served_through_wsgi_does_not_offer_websockets(client, owner, doc):
    client.force_login(owner)
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    assert META not in response.content.decode()


def test_only_an_asgi_request_offers_websockets():
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    assert websockets(ASGIRequest(scope, io.BytesIO())) == {"websockets": True}
    assert websockets(RequestFactory().get("/")) == {"websockets": False}
