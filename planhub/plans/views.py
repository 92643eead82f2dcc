"""Starting a plan (from a template, blank, or a Markdown file) and archiving one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from planhub.lib import params
from planhub.lib.next_url import local_next
from planhub.lib.params import rejects_invalid_parameters
from planhub.projects.access import get_membership

from .access import get_plan
from .forms import BlankPlanForm, ImportForm, PlanCreateForm
from .models import Plan, PlanTemplate, imported_from


@login_required
@require_POST
def plan_archive(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """Archive (action=archive) or unarchive (action=unarchive) a plan; editors and owners.

    An archived plan leaves the project's list and the dashboard and keeps working at its
    address: readable, editable, reviewable, exportable."""
    membership = get_membership(request.user, slug, need="can_edit")
    plan = get_plan(membership, plan_id)
    target = local_next(request, plan.project, plan.project.get_absolute_url())
    action = request.POST.get("action", "")
    if action not in ("archive", "unarchive"):
        messages.error(request, "Choose Archive or Unarchive.")
        return redirect(target)
    plan.set_archived(action == "archive", request.user)
    if action == "archive":
        # The project page offers to undo this once, next to the list.
        request.session["planhub_undo_archive"] = plan.pk
        messages.success(
            request, f"Archived “{plan.title}”. It is listed under Show: archived plans."
        )
    else:
        messages.success(request, f"Unarchived “{plan.title}”: it is back in the plans list.")
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
@rejects_invalid_parameters
def plan_new(request: HttpRequest, slug: str) -> HttpResponse:
    """The template chooser (active templates and “Blank plan”), then the chosen one's title
    fields. `template=blank` starts a plan without a template."""
    membership = get_membership(request.user, slug, need="can_edit")
    templates = PlanTemplate.objects.available_in(membership.project)
    template_id = request.POST.get("template") or request.GET.get("template")
    if not template_id:
        context = {"project": membership.project, "membership": membership}
        return render(request, "plans/plan_new.html", {**context, "templates": templates.active()})
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
    return _from_template(request, membership, template)


def _from_template(request: HttpRequest, membership, template) -> HttpResponse:
    form = PlanCreateForm(request.POST or None, template=template)
    if request.method == "POST" and form.is_valid():
        plan = Plan.create_from_template(
            project=membership.project,
            template=template,
            author=request.user,
            values=form.placeholder_values(),
            title=form.title(),
        )
        messages.success(request, f"Plan “{plan.title}” created from {template.name}.")
        return redirect(plan)
    context = {"project": membership.project, "membership": membership, "template": template}
    status = 422 if form.is_bound else 200
    return render(request, "plans/plan_new.html", {**context, "form": form}, status=status)


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
