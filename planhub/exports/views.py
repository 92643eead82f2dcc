from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from planhub.plans.access import get_plan_for
from planhub.plans.models import Plan

from . import tasks as pdf_jobs
from .markdown import plan_markdown
from .models import PdfExport
from .pdf import capture, pdf_filename
from .plan_stamp import cached_text
from .printing import print_context

TRUE_VALUES = {"1", "true", "yes", "on"}
RETRY_AFTER_SECONDS = 2


def _plan(request, slug: str, plan_id: int) -> Plan:
    """The plan, with the reader's membership checked, in one query."""
    return get_plan_for(request.user, slug, plan_id)[1]


@login_required
@require_GET
def export_md(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    plan = _plan(request, slug, plan_id)
    plain = request.GET.get("plain") in TRUE_VALUES
    review_summary = request.GET.get("reviews") in TRUE_VALUES
    # The same for every reader of the plan: kept under the plan's stamp (plan_stamp.py).
    markdown = cached_text(
        "md",
        plan,
        (plain, review_summary),
        lambda: plan_markdown(plan, plain=plain, review_summary=review_summary),
    )
    response = HttpResponse(markdown, content_type="text/markdown; charset=utf-8")
    filename = f"{slugify(plan.title) or 'plan'}.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def export_pdf(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """The PDF of the plan as it is now: 200 with the file when the worker has made it, else
    202 (and a page that shows the worker's progress) while it does."""
    plan = _plan(request, slug, plan_id)
    captured = capture(plan)
    export = pdf_jobs.request_pdf(
        plan=plan,
        document=captured.source,
        content_key=captured.content_key,
        diagram_sources=captured.diagram_sources,
        user=request.user,
    )
    if export.is_ready:
        return _pdf_download(plan, export)
    return _export_status(request, plan, export)


@login_required
@require_http_methods(["GET", "POST"])
def pdf_export_status(request: HttpRequest, slug: str, plan_id: int, export_id: int):
    """How one PDF export is going (polled by its page); POST asks again after a failure."""
    plan = _plan(request, slug, plan_id)
    export = get_object_or_404(PdfExport.objects.without_files(), pk=export_id, plan=plan)
    if request.method == "POST":
        if export.is_failed:
            pdf_jobs.restart(export, user=request.user)
        return redirect("pdf_export_status", plan.project.slug, plan.pk, export.pk)
    return _export_status(request, plan, export)


@login_required
@require_GET
def pdf_export_file(request: HttpRequest, slug: str, plan_id: int, export_id: int):
    plan = _plan(request, slug, plan_id)
    export = get_object_or_404(PdfExport.objects.without_files(), pk=export_id, plan=plan)
    if not export.is_ready:
        return redirect("pdf_export_status", plan.project.slug, plan.pk, export.pk)
    return _pdf_download(plan, export)


def _pdf_download(plan: Plan, export: PdfExport) -> HttpResponse:
    pdf = PdfExport.objects.filter(pk=export.pk).values_list("pdf", flat=True).get()
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(plan)}"'
    return response


def _export_status(request: HttpRequest, plan: Plan, export: PdfExport) -> HttpResponse:
    """202 while the worker has the job, 422 when it failed, 200 once it is ready: as JSON for
    programs, as a page for people (and, to that page's poll, its status part)."""
    status = 200 if export.is_ready else 422 if export.is_failed else 202
    if request.htmx:
        status = 200  # the page's own poll: how the job went is in the part it swaps in
    urls = {
        "status_url": reverse("pdf_export_status", args=[plan.project.slug, plan.pk, export.pk]),
        "download_url": reverse("pdf_export_file", args=[plan.project.slug, plan.pk, export.pk]),
    }
    if "text/html" in request.headers.get("Accept", "") or request.htmx:
        template = "exports/pdf_export.html" + ("#status" if request.htmx else "")
        context = {"plan": plan, "project": plan.project, "export": export, **urls}
        response = render(request, template, context, status=status)
    else:
        response = JsonResponse(
            {
                "status": export.status,
                "pages": export.pages,
                "phase": export.phase,
                "error": export.error,
                **({"download_url": urls["download_url"]} if export.is_ready else {}),
                "status_url": urls["status_url"],
            },
            status=status,
        )
    if status == 202:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@login_required
@require_GET
def plan_print(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """The printable plan (the PDF's own template and stylesheet) for the browser's print."""
    plan = _plan(request, slug, plan_id)
    return render(request, "exports/print.html", print_context(plan, for_pdf=False))
