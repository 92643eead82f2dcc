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
    _plan(request, slug, plan_id)
    return HttpResponse(
        "PDF export is not available yet: export Markdown (export.md) instead.\n",
        status=501,
        content_type="text/plain; charset=utf-8",
    )
