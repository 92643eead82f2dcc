"""The pages that show several apps' data at once: the dashboard, a project's page, a plan's
page and its outline."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from planhub.baselines.compare import mark_sections
from planhub.document.signoff_list import signoff_placement
from planhub.exports.plan_stamp import cached_text
from planhub.lib import params
from planhub.lib.params import rejects_invalid_parameters
from planhub.plans.access import get_plan_for
from planhub.plans.models import (
    Plan,
    PlanTemplate,
)
from planhub.projects.access import get_membership
from planhub.reviews.requests import requests_waiting_for
from planhub.reviews.status import review_plan, with_statuses
from planhub.reviews.waiting import (
    my_plans_with_changes_requested,
    sections_waiting_for,
    signoffs_waiting_for,
)

from . import page_cache
from .dashboard_cache import dashboard_content
from .forms import PlanFilterForm
from .fragment_cache import CSRF_MARKER
from .section_display import set_heading_slugs


@login_required
@require_GET
@rejects_invalid_parameters
def plan_detail(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """The plan page: its content from the page cache (page_cache.py), rendered again only
    when something it shows changed, the reader's own parts filled in."""
    membership, plan = get_plan_for(request.user, slug, plan_id)
    only_to_fill = params.bool_param(request.GET, "fill")

    def render_content():
        context = _plan_context(plan, membership, only_to_fill=only_to_fill)
        # Rendered without the request: nothing of the reader's but their role can get in.
        context.update(page_markers=True, csrf_token=CSRF_MARKER, user=None)
        html = get_template("plans/plan_detail.html#plan-content").render(context)
        return html, context["plan_review"]

    content = page_cache.plan_page(request, plan, membership, only_to_fill, render_content)
    return page_cache.page_response(request, "plans/plan_detail.html", {"plan": plan}, content)


def _plan_context(plan: Plan, membership, only_to_fill: bool = False) -> dict:
    """Sections with their review state, for the plan page and its outline (constant queries)."""
    sections = list(plan.sections.defer("guidance"))
    plan_review = review_plan(plan, sections)
    for section in sections:
        section.review = plan_review.by_section[section.pk]
    set_heading_slugs(sections)  # GitHub's anchors: `[Summary](#summary)` finds its heading
    signoff_section_id, signoff_replaces_body = signoff_placement(sections)
    baseline = mark_sections(plan, sections)  # the latest version: "changed since v1.0"
    return {
        "baseline": baseline,
        "project": plan.project,
        "membership": membership,
        "plan": plan,
        "sections": sections,
        "plan_review": plan_review,
        "only_to_fill": only_to_fill,
        "signoff_section_id": signoff_section_id,
        "signoff_replaces_body": signoff_replaces_body,
    }


@login_required
@require_GET
@rejects_invalid_parameters
def plan_outline(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    membership, plan = get_plan_for(request.user, slug, plan_id)
    only_to_fill = params.bool_param(request.GET, "fill")
    # The filter links replace the whole outline (its refresh URL changes); refreshes its content.
    partial = "outline" if params.bool_param(request.GET, "frame") else "outline-body"

    def render_outline():  # the same for every reader of the plan
        context = _plan_context(plan, membership, only_to_fill=only_to_fill)
        return get_template(f"plans/plan_detail.html#{partial}").render(context)

    extra = (only_to_fill, partial)
    return HttpResponse(cached_text("outline", plan, extra, render_outline))


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The reader's projects and queues, from the cache while nothing they show changed
    (dashboard_cache.py); rendered without the request: nothing but the reader's own data."""
    user = request.user

    def render_content(reader) -> str:
        context = _dashboard_context(user, reader.memberships, reader.has_open_requests)
        return get_template("projects/dashboard.html#dashboard-content").render(context)

    content = mark_safe(dashboard_content(user, render_content))  # our template, rendered
    return render(request, "projects/dashboard.html", {"dashboard_content": content})


def _dashboard_context(user, memberships, has_requests: bool) -> dict:
    recent_plans = with_statuses(
        Plan.objects.active()
        .filter(project__memberships__user=user)
        .select_related("project", "template", "created_by")
        .order_by("-updated_at")[:20]
    )
    return {
        "memberships": memberships,
        "recent_plans": recent_plans,
        "waiting_sections": sections_waiting_for(
            user, reviewing=[m.project_id for m in memberships if m.can_review]
        ),
        "waiting_signoffs": signoffs_waiting_for(user),
        "changes_requested": my_plans_with_changes_requested(user),
        "requested_reviews": requests_waiting_for(user) if has_requests else [],
    }


@login_required
@require_GET
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The project's plans, filtered by status, template and archived or not, and sorted, by a
    GET form (HTMX swaps only the list); then its members. Constant queries: statuses are
    computed for the listed plans in bulk, then filtered here."""
    membership = get_membership(request.user, slug)
    project = membership.project
    counts = project.plans.archive_counts()
    templates = PlanTemplate.objects.available_in(project)
    form = PlanFilterForm(request.GET or None, templates=templates, counts=counts)
    filters = form.filters()
    plans = with_statuses(
        form.filter(project.plans.select_related("template", "created_by"), filters)
    )
    if filters["status"]:
        plans = [plan for plan in plans if plan.status == filters["status"]]
    context = {
        "project": project,
        "membership": membership,
        "plans": plans,
        "form": form,
        "filters": filters,
        "filtered": PlanFilterForm.is_filtered(filters),
        "total_plans": counts["active"] + counts["archived"],
    }
    if request.htmx:
        return render(request, "projects/project_detail.html#plan-list", context)
    context["members"] = project.memberships.select_related("user")
    context["undo_plan"] = _undo_archive(request, project)
    return render(request, "projects/project_detail.html", context)


def _undo_archive(request: HttpRequest, project) -> Plan | None:
    """The plan just archived from this list (once), to offer “Unarchive” beside the list."""
    plan_id = request.session.pop("planhub_undo_archive", None)
    if not isinstance(plan_id, int):
        return None
    return project.plans.archived().filter(pk=plan_id).first()
