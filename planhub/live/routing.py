"""WebSocket routes of the plan page's live channel (served by planhub/asgi.py)."""

websocket_urlpatterns: list = [
    # re_path(r"^ws/plans/(?P<plan_id>\d+)/live/?$", consumers.PlanLiveConsumer.as_asgi()),
]
