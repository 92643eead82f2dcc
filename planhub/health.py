import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the app and its database answer, 503 otherwise. Anyone may ask, so the answer
    names no host, port or error: those go to the log."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        logger.exception("Health check: database unavailable")
        return JsonResponse({"status": "error", "error": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def bare(request: HttpRequest) -> HttpResponse:
    """A constant response through the whole middleware stack and no database: the baseline
    the load benchmark (bench/run.py) compares every page with. Routed only with BENCH_ROUTES."""
    return HttpResponse(b"ok\n", content_type="text/plain")
