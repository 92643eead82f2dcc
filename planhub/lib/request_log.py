"""One structured log line per request (method, path, status, duration, user), and a
Server-Timing header so the time is visible in the browser's tools too."""

import logging
import time

from django.utils.functional import empty

logger = logging.getLogger("planhub.request")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response["Server-Timing"] = f"app;dur={duration_ms}"
        user = getattr(request, "user", None)
        if getattr(user, "_wrapped", None) is empty:
            user = None  # the view never needed it: logging must not cost a session query
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "htmx": bool(getattr(request, "htmx", False)),
            },
        )
        return response
