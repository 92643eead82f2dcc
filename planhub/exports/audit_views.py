"""The audit trail downloads, for the project's owners."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from planhub.ledger.chain import head
from planhub.plans.access import get_plan_for

from .audit import csv_lines, json_chunks


def _download(plan, chunks, content_type: str, extension: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    filename = f"{slugify(plan.title) or 'plan'}-audit-trail.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The project's chain head when the download started: write it down to compare later.
    response["X-Ledger-Head"] = head(plan.project_id)
    return response


@login_required
@require_GET
def audit_csv(request: HttpRequest, slug: str, plan_id: int) -> StreamingHttpResponse:
    _membership, plan = get_plan_for(request.user, slug, plan_id, need="can_manage")
    return _download(plan, csv_lines(plan), "text/csv; charset=utf-8", "csv")


@login_required
@require_GET
def audit_json(request: HttpRequest, slug: str, plan_id: int) -> StreamingHttpResponse:
    _membership, plan = get_plan_for(request.user, slug, plan_id, need="can_manage")
    return _download(plan, json_chunks(plan), "application/json", "json")
