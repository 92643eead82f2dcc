from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the app and its database answer, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(error)}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def bare(request: HttpRequest) -> HttpResponse:
    """A constant response through the whole middleware stack and no database: the baseline
    the load benchmark (bench/run.py) compares every page with."""
    return HttpResponse(b"ok\n", content_type="text/plain")
