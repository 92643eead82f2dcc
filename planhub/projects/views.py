from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from planhub.plans.models import Plan, PlanTemplate
from planhub.reviews.status import PlanStatus, plan_statuses
from planhub.reviews.waiting import (
    my_plans_with_changes_requested,
    sections_waiting_for,
    signoffs_waiting_for,
)

from .access import get_membership
from .forms import (
    MemberAddForm,
    MemberRoleForm,
    PlanFilterForm,
    ProjectForm,
    ReviewSettingsForm,
)
from .models import ROLE_HELP, LastOwner, Membership, Role


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
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            project = form.save(commit=False)
            project.created_by = request.user
            project.save()
            Membership.objects.create(project=project, user=request.user, role=Role.OWNER)
        messages.success(request, f"Project “{project.name}” created. You are its owner.")
        return redirect(project)
    status = 422 if form.is_bound else 200
    return render(request, "projects/project_new.html", {"form": form}, status=status)


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


@login_required
@require_http_methods(["GET", "POST"])
def project_settings(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request.user, slug, need="can_manage")
    form = ReviewSettingsForm(request.POST or None, instance=membership.project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Project settings saved.")
        return redirect(membership.project)
    context = {"project": membership.project, "membership": membership, "form": form}
    status = 422 if form.is_bound else 200
    return render(request, "projects/settings.html", context, status=status)


def _members_page(request, membership, add_form=None, status=200) -> HttpResponse:
    project = membership.project
    context = {
        "project": project,
        "membership": membership,
        "members": project.memberships.select_related("user"),
        "add_form": add_form or MemberAddForm(project=project),
        "roles": Role.choices,
        "role_help": ROLE_HELP,
    }
    return render(request, "projects/members.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """GET lists the members (every member may look); POST adds one (owners only)."""
    need = "can_manage" if request.method == "POST" else None
    membership = get_membership(request.user, slug, need=need)
    if request.method == "GET":
        return _members_page(request, membership)
    form = MemberAddForm(request.POST, project=membership.project)
    if not form.is_valid():
        return _members_page(request, membership, add_form=form, status=422)
    added = Membership.objects.create(
        project=membership.project,
        user=form.cleaned_data["username"],
        role=form.cleaned_data["role"],
    )
    messages.success(request, f"Added {added.user.username} as {added.get_role_display()}.")
    return redirect("members", slug)


def _other_membership(membership, member_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=member_id, project=membership.project
    )


def _gone(request: HttpRequest, member: Membership) -> None:
    messages.info(request, f"{member.user.username} is no longer a member: someone removed them.")


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    membership = get_membership(request.user, slug, need="can_manage")
    member = _other_membership(membership, member_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles: owner, editor, reviewer or viewer.")
        return redirect("members", slug)
    try:
        member.change_role(form.cleaned_data["role"])
    except LastOwner as refused:
        messages.error(request, str(refused))
    except Membership.DoesNotExist:
        _gone(request, member)
    else:
        messages.success(request, f"{member.user.username} is now {member.get_role_display()}.")
    return redirect("members", slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    membership = get_membership(request.user, slug, need="can_manage")
    member = _other_membership(membership, member_id)
    try:
        member.remove()
    except LastOwner as refused:
        messages.error(request, str(refused))
        return redirect("members", slug)
    except Membership.DoesNotExist:
        _gone(request, member)
        return redirect("members", slug)
    messages.success(request, f"Removed {member.user.username} from {membership.project.name}.")
    if member.pk == membership.pk:
        return redirect("dashboard")
    return redirect("members", slug)
