"""Pages say whether they can open WebSockets: only when served by the ASGI app."""

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

META = '<meta name="planhub-websockets" content="on">'


def test_a_page_served_through_wsgi_does_not_offer_websockets(client, owner, doc):
    client.force_login(owner)
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    assert META not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_page_served_through_asgi_offers_websockets(owner, doc):
    client = AsyncClient()
    client.force_login(owner)
    response = async_to_sync(client.get)(doc.get_absolute_url())
    assert response.status_code == 200
    assert META in response.content.decode()
