from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from planhub.plans.access import get_plan
from planhub.plans.models import Plan
from planhub.projects.access import get_membership

from .markdown import plan_markdown

TRUE_VALUES = {"1", "true", "yes", "on"}


def _plan(request, slug: str, plan_id: int) -> Plan:
    return get_plan(get_membership(request.user, slug), plan_id)


@login_required
@require_GET
def export_md(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    plan = _plan(request, slug, plan_id)
    plain = request.GET.get("plain") in TRUE_VALUES
    review_summary = request.GET.get("reviews") in TRUE_VALUES
    response = HttpResponse(
        plan_markdown(plan, plain=plain, review_summary=review_summary),
        content_type="text/markdown; charset=utf-8",
    )
    filename = f"{slugify(plan.title) or 'plan'}.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def export_pdf(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    plan = _plan(request, slug, plan_id)
    from .pdf import pdf_filename, plan_pdf

    response = HttpResponse(plan_pdf(plan), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(plan)}"'
    return response


@login_required
@require_GET
def plan_print(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """The printable plan (the PDF's own template and stylesheet) for the browser's print."""
    plan = _plan(request, slug, plan_id)
    from django.shortcuts import render

    from .printing import print_context

    return render(request, "exports/print.html", print_context(plan, for_pdf=False))
