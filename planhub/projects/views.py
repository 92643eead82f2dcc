from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .access import get_membership
from .audit import form_changes, record_settings
from .forms import (
    MemberAddForm,
    MemberRoleForm,
    ProjectForm,
    ReviewSettingsForm,
)
from .models import ROLE_HELP, LastOwner, Membership, Role


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            project = form.save(commit=False)
            project.created_by = request.user
            project.save()
            Membership.add(project=project, user=request.user, role=Role.OWNER, by=request.user)
        messages.success(request, f"Project “{project.name}” created. You are its owner.")
        return redirect(project)
    status = 422 if form.is_bound else 200
    return render(request, "projects/project_new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def project_settings(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request.user, slug, need="can_manage")
    form = ReviewSettingsForm(request.POST or None, instance=membership.project, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(savepoint=False):
            form.save()
            record_settings(membership.project, request.user, form_changes(form))
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
    added = Membership.add(
        project=membership.project,
        user=form.cleaned_data["username"],
        role=form.cleaned_data["role"],
        by=request.user,
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
        member.change_role(form.cleaned_data["role"], by=request.user)
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
        member.remove(by=request.user)
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
