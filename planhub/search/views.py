from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import query as search_query


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """GET /search/?q=: plans, sections and comments in the user's projects. Any member may
    search; an empty or overlong query gets a page that says what to do, not an error."""
    text = request.GET.get("q", "").replace("\x00", "").strip()
    too_long = len(text) > search_query.MAX_QUERY_CHARS
    results = search_query.search(request.user, text) if text and not too_long else None
    context = {
        "search_query": text,  # kept in the top bar's search box
        "too_long": too_long,
        "results": results,
        "max_chars": search_query.MAX_QUERY_CHARS,
        "max_results": search_query.MAX_RESULTS,
        "full_text": connection.vendor == "postgresql",
    }
    return render(request, "search/results.html", context)
