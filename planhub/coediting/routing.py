"""WebSocket routes of co-editing (served by planhub/asgi.py)."""

websocket_urlpatterns: list = [
    # re_path(r"^ws/sections/(?P<section_id>\d+)/draft/?$", consumers.DraftConsumer.as_asgi()),
]
