"""The pages that show several apps' data at once: the dashboard, a project's page, a plan's
page and its outline, and the forms that start a plan (from a template, blank, or a file)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from planhub.document.signoff_list import signoff_placement
from planhub.lib import params
from planhub.lib.params import rejects_invalid_parameters
from planhub.plans.access import get_plan
from planhub.plans.forms import BlankPlanForm, ImportForm, PlanCreateForm
from planhub.plans.models import (
    Plan,
    PlanTemplate,
    imported_from,
)
from planhub.projects.access import get_membership
from planhub.projects.models import Membership
from planhub.reviews.rules import PlanStatus
from planhub.reviews.status import plan_statuses, review_plan
from planhub.reviews.waiting import (
    my_plans_with_changes_requested,
    sections_waiting_for,
    signoffs_waiting_for,
)

from .forms import PlanFilterForm


@login_required
@require_http_methods(["GET", "POST"])
@rejects_invalid_parameters
def plan_new(request: HttpRequest, slug: str) -> HttpResponse:
    """The template chooser (active templates and “Blank plan”), then the chosen one's title
    fields. `template=blank` starts a plan without a template."""
    membership = get_membership(request.user, slug, need="can_edit")
    project = membership.project
    templates = PlanTemplate.objects.available_in(project)
    template_id = request.POST.get("template") or request.GET.get("template")
    if not template_id:
        context = {"project": project, "membership": membership, "templates": templates.active()}
        return render(request, "plans/plan_new.html", context)
    if template_id == "blank":
        return _blank_plan(request, membership)
    # A template of another project (or none at all) is not found here.
    template = get_object_or_404(templates, pk=params.parse_int(template_id, "template"))
    if template.is_archived:
        messages.error(
            request,
            f"The template “{template.name}” is archived. Restore it in the templates library "
            "to start plans from it again.",
        )
        return redirect("plan_new", slug)

    form = PlanCreateForm(request.POST or None, template=template)
    if request.method == "POST" and form.is_valid():
        plan = Plan.create_from_template(
            project=project,
            template=template,
            author=request.user,
            values=form.placeholder_values(),
            title=form.title(),
        )
        messages.success(request, f"Plan “{plan.title}” created from {template.name}.")
        return redirect(plan)
    context = {"project": project, "membership": membership, "template": template, "form": form}
    status = 422 if form.is_bound else 200
    return render(request, "plans/plan_new.html", context, status=status)


def _blank_plan(request: HttpRequest, membership) -> HttpResponse:
    form = BlankPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = Plan.create_blank(
            project=membership.project, title=form.cleaned_data["title"], author=request.user
        )
        messages.success(request, f"Blank plan “{plan.title}” created.")
        return redirect(plan)
    context = {"project": membership.project, "membership": membership, "blank": True, "form": form}
    status = 422 if form.is_bound else 200
    return render(request, "plans/plan_new.html", context, status=status)


@login_required
@require_GET
@rejects_invalid_parameters
def plan_detail(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    membership = get_membership(request.user, slug)
    plan = get_plan(membership, plan_id)
    context = _plan_context(plan, membership, only_to_fill=params.bool_param(request.GET, "fill"))
    return render(request, "plans/plan_detail.html", context)


def _plan_context(plan: Plan, membership, only_to_fill: bool = False) -> dict:
    """Sections with their review state, for the plan page and its outline (constant queries)."""
    sections = list(plan.sections.defer("guidance"))
    plan_review = review_plan(plan, sections)
    for section in sections:
        section.plan = plan
        section.review = plan_review.by_section[section.pk]
    signoff_section_id, signoff_replaces_body = signoff_placement(sections)
    return {
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
    membership = get_membership(request.user, slug)
    plan = get_plan(membership, plan_id)
    context = _plan_context(plan, membership, only_to_fill=params.bool_param(request.GET, "fill"))
    # The filter links replace the whole outline (its refresh URL changes); refreshes its content.
    partial = "outline" if params.bool_param(request.GET, "frame") else "outline-body"
    return render(request, f"plans/plan_detail.html#{partial}", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a Markdown file as a new plan or as a project template."""
    membership = get_membership(request.user, slug, need="can_edit")
    project = membership.project
    # The templates library links here with ?kind=template.
    initial = {"kind": "template"} if request.GET.get("kind") == "template" else None
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        text, name = form.cleaned_data["text"], form.cleaned_data["name"].strip()
        stem = form.cleaned_data["file"].name.rsplit(".", 1)[0]
        if form.cleaned_data["kind"] == "template":
            template = PlanTemplate.create_uploaded(
                project=project, text=text, name=name, author=request.user
            )
            messages.success(request, f"Template “{template.name}” added to {project.name}.")
            return redirect(f"{reverse('plan_new', args=[slug])}?template={template.pk}")
        plan = Plan.create_from_markdown(
            project=project,
            text=text,
            author=request.user,
            title=name or stem,
            origin=imported_from(form.cleaned_data["file"].name),
        )
        messages.success(request, f"Imported “{plan.title}” with {plan.sections.count()} sections.")
        return redirect(plan)
    context = {"project": project, "membership": membership, "form": form}
    return render(request, "plans/import.html", context, status=422 if form.is_bound else 200)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("project")
    recent_plans = list(
        Plan.objects.active()
        .filter(project__memberships__user=request.user)
        .select_related("project", "template", "created_by")
        .order_by("-updated_at")[:20]
    )
    statuses = plan_statuses(recent_plans)
    for plan in recent_plans:
        plan.status = PlanStatus(statuses[plan.pk])
    context = {
        "memberships": memberships,
        "recent_plans": recent_plans,
        "waiting_sections": sections_waiting_for(request.user),
        "waiting_signoffs": signoffs_waiting_for(request.user),
        "changes_requested": my_plans_with_changes_requested(request.user),
    }
    return render(request, "projects/dashboard.html", context)


@login_required
@require_GET
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The project's plans, filtered by status, template and archived or not, and sorted, by a
    GET form (HTMX swaps only the list); then its members. Constant queries: statuses are
    computed for the listed plans in bulk, then filtered here."""
    membership = get_membership(request.user, slug)
    project = membership.project
    counts = project.plans.aggregate(
        active=Count("pk", filter=Q(archived_at=None)),
        archived=Count("pk", filter=Q(archived_at__isnull=False)),
    )
    templates = PlanTemplate.objects.available_in(project)
    form = PlanFilterForm(request.GET or None, templates=templates, counts=counts)
    filters = form.filters()
    plans = list(form.filter(project.plans.select_related("template", "created_by"), filters))
    for plan in plans:
        plan.project = project
    statuses = plan_statuses(plans)
    for plan in plans:
        plan.status = PlanStatus(statuses[plan.pk])
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
