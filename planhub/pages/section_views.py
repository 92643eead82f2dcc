"""A section on the plan page: shown, edited, saved (three-way merge on a conflict), reviewed,
ticked, restructured, restored; each answers the section partial for HTMX, a page otherwise."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from planhub.document.merging import merge_heading, parse_markers, propose_merge
from planhub.document.rendering import render_markdown
from planhub.document.task_lists import find_task, set_task, task_label
from planhub.lib import params
from planhub.lib.params import rejects_invalid_parameters
from planhub.plans import restructuring
from planhub.plans.access import get_plan, get_section, get_section_even_deleted
from planhub.plans.forms import SectionForm
from planhub.plans.models import (
    EditConflict,
    Section,
    SectionDeleted,
    editable_text,
)
from planhub.projects.access import get_membership
from planhub.reviews.forms import ReviewForm
from planhub.reviews.models import (
    Approval,
    ContentChanged,
    Decision,
    PlaceholdersLeft,
    ReviewRefused,
)
from planhub.reviews.views import REVIEW_EVENTS

from .section_display import section_display_context


def merge_notice(result) -> str:
    if not result.merged_with:
        return ""
    names = sorted({user.username if user else "someone" for user, _ in result.merged_with})
    return (
        f"Merged with {' and '.join(names)}'s change{'s' if len(result.merged_with) > 1 else ''}."
    )


def _resolving_context(form, conflict) -> dict:
    """The conflict view. On the conflict itself (409) the editor gets the merge proposal:
    every change that does not clash applied, each clash a marked hunk, the heading merged;
    on a later refusal (422) the hunks still marked in the text are read back from it."""
    if conflict is None:
        hunks = parse_markers(form.data.get("body") or "").hunks
        return {"resolving": form.data.get("resolving"), "hunks": hunks}
    current, base = conflict.current, conflict.base
    who = current.updated_by.username if current.updated_by else "someone"
    proposal = propose_merge(
        editable_text(base.body) if base else None,
        editable_text(form.data.get("body") or ""),
        current.editable_body,
        f"{who}'s version {current.version}",
    )
    form.data = form.data.copy()
    form.data["body"] = proposal.text()
    heading_clash = None
    if "heading" in form.fields:
        mine = (form.data.get("heading") or "").strip()
        heading = merge_heading(base.heading if base else None, mine, current.heading)
        if heading is None:
            heading_clash = (mine, current.heading)
        else:
            form.data["heading"] = heading
    return {
        "resolving": current.version,
        "who": who,
        "hunks": proposal.hunks,
        "heading_clash": heading_clash,
    }


def _section_response(
    request, section, membership, *, form=None, conflict=None, status=200, notice=""
):
    """The section shown (no form) or its editor (form): a partial for HTMX, else a page."""
    context = {
        "project": section.plan.project,
        "plan": section.plan,
        "section": section,
        "membership": membership,
        "form": form,
        "conflict": conflict.current if conflict else None,
        "save_notice": notice,
    }
    if form is not None and (conflict is not None or form.data.get("resolving")):
        context.update(_resolving_context(form, conflict))
    if form is None:
        context.update(section_display_context(section))
    if request.htmx:
        partial = "section" if form is None else "section-form"
        return render(request, f"plans/plan_detail.html#{partial}", context, status=status)
    return render(request, "plans/section_page.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@rejects_invalid_parameters
def section_detail(request: HttpRequest, slug: str, plan_id: int, section_id: int) -> HttpResponse:
    need = "can_edit" if request.method == "POST" else None
    membership = get_membership(request.user, slug, need=need)
    plan = get_plan(membership, plan_id)
    if request.method == "GET":
        section = get_section_even_deleted(plan, section_id)
        if section.deleted_at is None:
            return _section_response(request, section, membership)
        if request.htmx:  # an editor closed after the deletion: say what happened in place
            return render(request, "plans/_section_gone.html", {"section": section, "plan": plan})
        messages.info(request, f"“{section}” was deleted; restore it from the plan's history.")
        return redirect("plan_activity", slug, plan.pk)

    section = get_section_even_deleted(plan, section_id)
    # Set by the conflict view: the version whose conflict this save resolves.
    resolving = params.int_param(request.POST, "resolving")
    form = SectionForm(request.POST, section=section)
    if section.deleted_at is not None:
        return _section_deleted(request, section, membership, form)
    if not form.is_valid():
        if "version" in form.errors:  # the next save is on the version the user now sees
            form.data = form.data.copy()
            form.data["version"] = section.version
        return _section_response(request, section, membership, form=form, status=422)
    note = f"Resolved a conflict with version {resolving}" if resolving else ""
    if note and parse_markers(form.cleaned_data["body"]).hunks:
        return _section_response(request, section, membership, form=form, status=422)
    try:
        result = section.save_edit(
            author=request.user,
            heading=form.cleaned_data.get("heading", ""),
            body=form.cleaned_data["body"],
            base_version=form.cleaned_data["version"],
            note=note,
        )
    except SectionDeleted as gone:
        return _section_deleted(request, gone.section, membership, form)
    except EditConflict as conflict:
        return _conflict_response(request, conflict, membership)
    notice = merge_notice(result)
    if request.htmx:
        response = _section_response(request, section, membership, notice=notice)
        return trigger_client_event(response, "sectionSaved", {"id": section.pk})
    if notice:
        messages.info(request, notice)
    messages.success(request, f"Saved “{section}”.")
    return redirect(f"{section.plan.get_absolute_url()}#{section.anchor}")


def _conflict_response(request, conflict, membership) -> HttpResponse:
    """409: the conflict view. The user's text is kept; the next save is knowingly on top of
    the current version."""
    data = request.POST.copy()
    data["version"] = conflict.current.version
    form = SectionForm(data, section=conflict.current)
    form.is_valid()
    return _section_response(
        request, conflict.current, membership, form=form, conflict=conflict, status=409
    )


def _section_deleted(request, section, membership, form) -> HttpResponse:
    """409: the editor, with the user's text and version, under a notice saying who deleted
    the section and when, offering to restore it with the text or to copy the text."""
    section.plan = form.section.plan
    return _section_response(request, section, membership, form=form, status=409)


@login_required
@require_POST
def section_restore_with_text(request: HttpRequest, slug: str, plan_id: int, section_id: int):
    """“Restore the section with my text”: a section deleted while it was being edited comes
    back at its place, the editor's text its next version (merged like any save)."""
    membership = get_membership(request.user, slug, need="can_edit")
    section = get_section_even_deleted(get_plan(membership, plan_id), section_id)
    form = SectionForm(request.POST, section=section)
    if not form.is_valid():
        return _section_response(request, section, membership, form=form, status=422)
    try:
        section, result = restructuring.restore_with_text(
            section,
            request.user,
            heading=form.cleaned_data.get("heading", ""),
            body=form.cleaned_data["body"],
            base_version=form.cleaned_data["version"],
        )
    except EditConflict as conflict:
        # Restored, but the text overlaps a version saved before the deletion: the conflict
        # view, as for any save.
        return _conflict_response(request, conflict, membership)
    section.plan = form.section.plan
    notice = f"Restored “{section}” with your text as version {section.version}."
    if not result:
        notice = f"Restored “{section}”; your text was already its text."
    if request.htmx:
        response = _section_response(request, section, membership, notice=notice)
        return trigger_client_event(response, "sectionSaved", {"id": section.pk})
    messages.success(request, notice)
    return redirect(f"{section.plan.get_absolute_url()}#{section.anchor}")


@login_required
@require_GET
def section_edit(request: HttpRequest, slug: str, plan_id: int, section_id: int) -> HttpResponse:
    membership = get_membership(request.user, slug, need="can_edit")
    section = get_section(get_plan(membership, plan_id), section_id)
    initial = {
        "heading": section.heading,
        "body": section.editable_body,
        "version": section.version,
    }
    form = SectionForm(initial=initial, section=section)
    return _section_response(request, section, membership, form=form)


@login_required
@require_POST
def section_preview(request: HttpRequest, slug: str, plan_id: int, section_id: int) -> HttpResponse:
    membership = get_membership(request.user, slug, need="can_edit")
    section = get_section_even_deleted(get_plan(membership, plan_id), section_id)
    body = request.POST.get("body", "")
    html = render_markdown(body) if body.strip() else ""
    # A section deleted meanwhile still previews: the text is the user's, and so is the choice.
    gone = restructuring.deleted_notice(section) if section.deleted_at else ""
    return render(request, "plans/_preview.html", {"html": html, "deleted_notice": gone})


STRUCTURE_ACTIONS = {
    "add_after": lambda section, user: restructuring.add_section_after(section, user),
    "move_up": lambda section, user: restructuring.move(section, user, up=True),
    "move_down": lambda section, user: restructuring.move(section, user, up=False),
    "promote": lambda section, user: restructuring.change_level(section, user, deeper=False),
    "demote": lambda section, user: restructuring.change_level(section, user, deeper=True),
    "delete": lambda section, user: restructuring.delete_section(section, user),
}


@login_required
@require_POST
def section_structure(request: HttpRequest, slug: str, plan_id: int, section_id: int):
    """Outline changes from a section's menu; the page reloads at the changed place."""
    membership = get_membership(request.user, slug, need="can_edit")
    plan = get_plan(membership, plan_id)
    # Deleted meanwhile: the change is refused with who deleted it and when, not a 404.
    section = get_section_even_deleted(plan, section_id)
    action = STRUCTURE_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, "Unknown change: choose one of the section menu's entries.")
        return redirect(f"{plan.get_absolute_url()}#{section.anchor}")
    try:
        new = action(section, request.user)
    except restructuring.StructureRefused as refused:
        messages.error(request, str(refused))
        return redirect(f"{plan.get_absolute_url()}#{section.anchor}")
    if request.POST.get("action") == "delete":
        messages.success(
            request, f"Deleted “{section}”. Restore it from the plan's history if you need it back."
        )
        target = plan.get_absolute_url()
    elif new is not None:  # a new section: open its editor
        target = f"{plan.get_absolute_url()}?edit={new.pk}#{new.anchor}"
    else:
        target = f"{plan.get_absolute_url()}#{section.anchor}"
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


@login_required
@require_POST
def section_restore(request: HttpRequest, slug: str, plan_id: int, section_id: int):
    """Bring a deleted section back, with its revisions and reviews."""
    membership = get_membership(request.user, slug, need="can_edit")
    plan = get_plan(membership, plan_id)
    section = get_object_or_404(Section.all_objects, pk=section_id, plan=plan)
    restructuring.restore_section(section, request.user)
    messages.success(request, f"Restored “{section}”.")
    return redirect(f"{plan.get_absolute_url()}#{section.anchor}")


@login_required
@require_GET
def section_history(request: HttpRequest, slug: str, plan_id: int, section_id: int):
    membership = get_membership(request.user, slug)
    section = get_section(get_plan(membership, plan_id), section_id)
    revisions = (
        section.revisions.select_related("author").prefetch_related("authors").order_by("-version")
    )
    context = {
        "project": section.plan.project,
        "plan": section.plan,
        "section": section,
        "membership": membership,
        "revisions": revisions,
    }
    return render(request, "plans/section_history.html", context)


@login_required
@require_POST
@rejects_invalid_parameters
def section_revert(request: HttpRequest, slug: str, plan_id: int, section_id: int):
    """“Restore this version”: a new revision with an old version's text (never a rewrite)."""
    membership = get_membership(request.user, slug, need="can_edit")
    section = get_section_even_deleted(get_plan(membership, plan_id), section_id)
    old = get_object_or_404(
        section.revisions, version=params.int_param(request.POST, "version", required=True)
    )
    base_version = params.int_param(request.POST, "base_version") or section.version
    try:
        if section.deleted_at is not None:
            raise SectionDeleted(section)
        result = section.save_edit(
            author=request.user,
            heading=old.heading,
            body=editable_text(old.body),
            base_version=base_version,
            note=f"Restored version {old.version}",
        )
    except SectionDeleted as gone:
        messages.error(
            request,
            f"{restructuring.deleted_notice(gone.section)} Nothing was restored: bring the section "
            "back with Restore below first, then restore the version you need.",
        )
        return redirect("plan_activity", slug, plan_id)
    except EditConflict:
        messages.error(
            request,
            "The section changed while you were looking at its history; nothing was restored. "
            "Look again, then restore.",
        )
        return redirect("section_history", slug, plan_id, section_id)
    if result:
        messages.success(
            request, f"Restored version {old.version} of “{section}” as version {section.version}."
        )
    else:
        messages.info(request, f"Version {old.version} is the same as the current text.")
    return redirect(f"{section.plan.get_absolute_url()}#{section.anchor}")


@login_required
@require_POST
@rejects_invalid_parameters
def section_task(request: HttpRequest, slug: str, plan_id: int, section_id: int):
    """Tick or untick one task list item on the rendered section (a new revision)."""
    membership = get_membership(request.user, slug, need="can_edit")
    section = get_section_even_deleted(get_plan(membership, plan_id), section_id)
    if section.deleted_at is not None:
        return _task_on_deleted(request, section, membership)
    done = params.bool_param(request.POST, "done")
    index = params.int_param(request.POST, "index", required=True, minimum=0)
    base_version = params.int_param(request.POST, "version", required=True)
    try:
        if base_version != section.version:
            # The page was older than the section: tick the same item in the current text.
            seen = section.revisions.get(version=base_version)
            index = find_task(section.body, task_label(seen.body, index))
            base_version = section.version
        body = set_task(section.body, index, done) if index is not None else None
    except (IndexError, ObjectDoesNotExist):
        return HttpResponse("That task is not in this section any more.", status=400)
    refused = (
        f"{section.updated_by or 'Someone'} changed this list meanwhile and that item is "
        "gone or changed; nothing was ticked. Here is the current list."
    )
    if body is None:
        return _section_response(request, section, membership, notice=refused, status=409)
    try:
        result = section.save_edit(
            author=request.user,
            heading=section.heading,
            body=editable_text(body),
            base_version=base_version,
        )
    except SectionDeleted as gone:
        return _task_on_deleted(request, gone.section, membership)
    except EditConflict as conflict:
        conflict.current.plan = section.plan
        return _section_response(request, conflict.current, membership, notice=refused, status=409)
    response = _section_response(request, section, membership, notice=merge_notice(result))
    return trigger_client_event(response, "sectionSaved", {"id": section.pk})


def _task_on_deleted(request, section, membership) -> HttpResponse:
    section.plan = get_plan(membership, section.plan_id)
    notice = (
        f"{restructuring.deleted_notice(section)} Nothing was ticked: restore the section from "
        "the plan's history to change it."
    )
    return _section_response(request, section, membership, notice=notice, status=409)


def _section_display(request, membership, section, *, status=200, notice="", form=None):
    """The section as the plan page shows it, with its review bar (HTMX), else back to the plan."""
    context = {
        "project": section.plan.project,
        "plan": section.plan,
        "section": section,
        "membership": membership,
        "review_notice": notice,
        "review_form": form,
        **section_display_context(section),
    }
    if request.htmx:
        response = render(request, "plans/plan_detail.html#section", context, status=status)
        return trigger_client_event(response, REVIEW_EVENTS, {"section": section.pk})
    if status >= 400:
        return render(request, "plans/section_page.html", context, status=status)
    return redirect(f"{section.plan.get_absolute_url()}#{section.anchor}")


@login_required
@require_POST
def section_review(request: HttpRequest, slug: str, plan_id: int, section_id: int) -> HttpResponse:
    membership = get_membership(request.user, slug, need="can_review")
    section = get_section(get_plan(membership, plan_id), section_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _section_display(request, membership, section, status=422, form=form)
    try:
        approval = Approval.record(
            section=section,
            reviewer=request.user,
            decision=form.cleaned_data["decision"],
            version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"].strip(),
        )
    except ContentChanged as changed:
        changed.current.plan = section.plan
        notice = (
            f"This section changed while you were reading it (now version "
            f"{changed.current.version}). Nothing was recorded: read the new text, then decide."
        )
        return _section_display(
            request, membership, changed.current, status=409, notice=notice, form=form
        )
    except PlaceholdersLeft as refused:
        return _section_display(
            request, membership, section, status=409, notice=str(refused), form=form
        )
    except ReviewRefused as refused:
        return _section_display(
            request, membership, section, status=403, notice=str(refused), form=form
        )
    if not request.htmx:
        verb = "Approved" if approval.decision == Decision.APPROVED else "Requested changes on"
        messages.success(request, f"{verb} “{section}”.")
    return _section_display(request, membership, section)
