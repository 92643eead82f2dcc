"""Markdown and PDF of a frozen version (the versions pages link here). The PDF goes through
the worker like the plan's: 200 with the file when ready, else 202 + Retry-After."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from planhub.baselines.models import PlanVersion
from planhub.plans.access import get_plan_for

from . import tasks as pdf_jobs
from .models import PdfExport
from .versions import version_capture, version_filename, version_markdown
from .views import TRUE_VALUES, _export_status


def _version(request: HttpRequest, slug: str, plan_id: int, version_id: int) -> PlanVersion:
    _, plan = get_plan_for(request.user, slug, plan_id)
    version = get_object_or_404(PlanVersion.objects.filter(plan=plan), pk=version_id)
    version.plan = plan
    return version


@login_required
@require_GET
def version_export_md(request: HttpRequest, slug: str, plan_id: int, version_id: int):
    version = _version(request, slug, plan_id, version_id)
    plain = request.GET.get("plain") in TRUE_VALUES
    response = HttpResponse(
        version_markdown(version, plain=plain), content_type="text/markdown; charset=utf-8"
    )
    filename = version_filename(version, "md")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def version_export_pdf(request: HttpRequest, slug: str, plan_id: int, version_id: int):
    version = _version(request, slug, plan_id, version_id)
    captured = version_capture(version)
    export = pdf_jobs.request_pdf(
        plan=version.plan,
        document=captured.source,
        content_key=captured.content_key,
        diagram_sources=captured.diagram_sources,
        user=request.user,
        frozen_version=version,
    )
    if not export.is_ready:
        return _export_status(request, version.plan, export)
    pdf = PdfExport.objects.filter(pk=export.pk).values_list("pdf", flat=True).get()
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    filename = version_filename(version, "pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
