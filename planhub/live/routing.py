"""WebSocket routes of the plan page's live channel (served by planhub/asgi.py)."""

from django.urls import re_path

from . import consumers

websocket_urlpatterns: list = [
    re_path(r"^ws/plans/(?P<plan_id>\d{1,18})/live/?$", consumers.PlanLiveConsumer.as_asgi()),
]
