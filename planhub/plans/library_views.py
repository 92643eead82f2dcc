"""The templates library (every template a project can use, with its outline), a template's
preview page, archiving a project's own templates, and “Save as template” from a plan.

Who may do what: every member browses the library and previews templates; editors and owners
(who create plans) use, archive and restore templates and save plans as templates. Built-in
templates are shared by every project: they cannot be archived.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from planhub.document.placeholders import ordered
from planhub.lib.next_url import local_next
from planhub.projects.access import get_membership

from .access import get_plan
from .forms import SYNTAX_CHOICES, PlaceholderSyntaxesForm, SaveAsTemplateForm
from .models import PlanTemplate


def library_templates(project):
    """The project's templates (built-in first) with how many of its plans each started."""
    return (
        PlanTemplate.objects.available_in(project)
        .select_related("created_by", "archived_by")
        .annotate(plan_count=Count("plans", filter=Q(plans__project=project)))
    )


def get_library_template(membership, template_id: int) -> PlanTemplate:
    """A template this project can use (built-in or its own); any other id is 404."""
    return get_object_or_404(library_templates(membership.project), pk=template_id)


@login_required
@require_GET
def template_library(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request.user, slug)
    # Not the Markdown nor its HTML: the list shows names and outlines (up to 2 MB each).
    templates = list(library_templates(membership.project).defer("source", "rendered_html"))
    context = {
        "project": membership.project,
        "membership": membership,
        "templates": [t for t in templates if not t.is_archived],
        "archived": [t for t in templates if t.is_archived],
    }
    return render(request, "plans/template_library.html", context)


@login_required
@require_GET
def template_detail(request: HttpRequest, slug: str, template_id: int) -> HttpResponse:
    """A template's preview: its outline and its Markdown rendered."""
    membership = get_membership(request.user, slug)
    template = get_library_template(membership, template_id)
    return _detail_page(request, membership, template)


def _detail_page(request, membership, template, *, form=None, notice="", status=200):
    """The preview page, or (for HTMX) its placeholder syntaxes panel alone."""
    if form is None:
        form = PlaceholderSyntaxesForm(initial={"syntaxes": template.placeholder_syntaxes})
    counts = template.placeholder_counts
    context = {
        "project": membership.project,
        "membership": membership,
        "template": template,
        "rendered": template.rendered_html,  # rendered when the template was saved
        "syntax_form": form,
        # (checkbox, label, example, count in the template's text, declared now)
        "syntax_rows": [
            (box, label, example, counts.get(value, 0), value in template.placeholder_syntaxes)
            for box, (value, label, example) in zip(form["syntaxes"], SYNTAX_CHOICES, strict=True)
        ],
        "syntax_notice": notice,
        "can_edit_syntaxes": membership.can_edit and not template.is_builtin,
    }
    name = "plans/template_detail.html" + ("#syntaxes" if request.htmx else "")
    return render(request, name, context, status=status)


@login_required
@require_POST
def template_placeholders(request: HttpRequest, slug: str, template_id: int) -> HttpResponse:
    """syntaxes=square&syntaxes=curly…: which placeholders a project template's future plans
    count. Plans already made from it keep theirs. Built-in templates are fixed (404 here)."""
    membership = get_membership(request.user, slug, need="can_edit")
    template = get_object_or_404(library_templates(membership.project), pk=template_id)
    if template.is_builtin:
        raise Http404("Built-in templates are fixed.")
    form = PlaceholderSyntaxesForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, membership, template, form=form, status=422)
    template.placeholder_syntaxes = ordered(form.cleaned_data["syntaxes"])
    template.save(update_fields=["placeholder_syntaxes"])
    notice = (
        f"Saved: new plans from “{template.name}” count {template.placeholder_counts['chosen']} "
        "placeholders. Plans made from it before keep theirs."
    )
    if request.htmx:
        return _detail_page(request, membership, template, notice=notice)
    messages.success(request, notice)
    return redirect("template_detail", slug, template.pk)


@login_required
@require_POST
def template_archive(request: HttpRequest, slug: str, template_id: int) -> HttpResponse:
    """action=archive hides a project's own template from the chooser and the library's main
    list; action=restore brings it back. Plans made from it are not touched."""
    membership = get_membership(request.user, slug, need="can_edit")
    project = membership.project
    # Only the project's own templates: a built-in (or another project's) id is not found.
    template = get_object_or_404(PlanTemplate, pk=template_id, project=project)
    target = local_next(request, project, reverse("template_library", args=[project.slug]))
    action = request.POST.get("action", "")
    if action == "archive":
        template.set_archived(True, request.user)
        messages.success(
            request,
            f"Archived the template “{template.name}”. Plans made from it are unchanged; "
            "restore it from Archived templates.",
        )
    elif action == "restore":
        template.set_archived(False)
        messages.success(request, f"Restored “{template.name}”: it is offered for new plans.")
    else:
        messages.error(request, "Choose Archive or Restore.")
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def plan_save_as_template(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """The plan's current text (plain: without the generated sign-off table) as a new template
    of its project."""
    membership = get_membership(request.user, slug, need="can_edit")
    plan = get_plan(membership, plan_id)
    form = SaveAsTemplateForm(request.POST or None, project=plan.project)
    if request.method == "POST" and form.is_valid():
        template = PlanTemplate.create_uploaded(
            project=plan.project,
            text=plan.to_markdown(),
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            author=request.user,
            placeholder_syntaxes=plan.placeholder_syntaxes,
        )
        messages.success(
            request, f"Saved “{plan.title}” as the template “{template.name}” of this project."
        )
        return redirect("template_detail", slug, template.pk)
    context = {"project": plan.project, "membership": membership, "plan": plan, "form": form}
    status = 422 if form.is_bound else 200
    return render(request, "plans/save_as_template.html", context, status=status)
