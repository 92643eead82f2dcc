"""WebSocket routes of co-editing (served by planhub/asgi.py)."""

from django.urls import re_path

from . import consumers

websocket_urlpatterns: list = [
    re_path(r"^ws/sections/(?P<section_id>\d{1,18})/draft/?$", consumers.DraftConsumer.as_asgi()),
]
