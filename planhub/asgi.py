"""The ASGI application: pages and static files (Django, WhiteNoise) and the WebSockets of
co-editing and the plan page's live channel. Production: `uvicorn planhub.asgi:application`."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planhub.settings")
django_application = get_asgi_application()  # sets Django up before the routes are imported

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from planhub.coediting.routing import websocket_urlpatterns as coediting_routes  # noqa: E402
from planhub.live.routing import websocket_urlpatterns as live_routes  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter([*coediting_routes, *live_routes]))
        ),
    }
)
