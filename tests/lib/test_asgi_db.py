"""A page served through ASGI closes its database connections when it ends; one served
through WSGI keeps its persistent connection."""

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def open_connection() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert connection.connection is not None


def test_an_asgi_request_closes_its_connection_when_it_ends():
    open_connection()
    request_finished.send(sender=ASGIHandler)
    assert connection.connection is None


def test_a_wsgi_request_keeps_its_persistent_connection(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.close()
    open_connection()
    request_finished.send(sender=WSGIHandler)
    assert connection.connection is not None
