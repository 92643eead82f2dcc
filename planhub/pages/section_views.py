"""A section on the plan page: shown, edited, saved (three-way merge on a conflict), reviewed,
ticked, restructured, restored; each answers the section partial for HTMX, a page otherwise."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from planhub.coediting import drafts
from planhub.document.merging import parse_markers
from planhub.lib import params
from planhub.lib.broadcast import batched
from planhub.lib.params import rejects_invalid_parameters
from planhub.plans import restructuring
from planhub.plans.access import get_section_for
from planhub.plans.forms import SectionForm
from planhub.plans.models import (
    EditConflict,
    SectionDeleted,
    SectionRevision,
    TaskMissing,
)
from planhub.reviews.forms import ReviewForm
from planhub.reviews.models import (
    ContentChanged,
    Decision,
    PlaceholdersLeft,
    ReviewRefused,
)
from planhub.reviews.views import REVIEW_EVENTS

from .fragment_cache import render_editor
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
    proposal = conflict.proposal(form.data.get("body") or "")
    form.data = form.data.copy()
    form.data["body"] = proposal.text()
    heading_clash = None
    if "heading" in form.fields:
        mine = (form.data.get("heading") or "").strip()
        heading = conflict.merged_heading(mine)
        if heading is None:
            heading_clash = (mine, conflict.current.heading)
        else:
            form.data["heading"] = heading
    return {
        "resolving": conflict.current.version,
        "who": conflict.who,
        "hunks": proposal.hunks,
        "heading_clash": heading_clash,
    }


def _section_response(
    request, section, membership, *, form=None, conflict=None, status=200, notice="", draft=None
):
    """The section shown (no form) or its editor (form, on the shared `draft` when given): a
    partial for HTMX, else a page."""
    context = {
        "project": section.plan.project,
        "plan": section.plan,
        "section": section,
        "membership": membership,
        "form": form,
        "conflict": conflict.current if conflict else None,
        "save_notice": notice,
        "draft": draft,
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
@batched()  # a save's events (plan changed, draft updated, merged): one trip
def section_detail(request: HttpRequest, slug: str, plan_id: int, section_id: int) -> HttpResponse:
    need = "can_edit" if request.method == "POST" else None
    membership, section = get_section_for(
        request.user, slug, plan_id, section_id, need=need, include_deleted=True
    )
    if request.method == "POST":
        return _save(request, membership, section)
    if section.deleted_at is None:
        return _section_response(request, section, membership)
    if request.htmx:  # an editor closed after the deletion: say what happened in place
        context = {"section": section, "plan": section.plan}
        return render(request, "plans/_section_gone.html", context)
    messages.info(request, f"“{section}” was deleted; restore it from the plan's history.")
    return redirect("plan_activity", slug, plan_id)


def _save(request: HttpRequest, membership, section) -> HttpResponse:
    """POST on a section: the edit saved (merged with others' saves), or why not."""
    # Set by the conflict view: the version whose conflict this save resolves.
    resolving = params.int_param(request.POST, "resolving")
    form = SectionForm(request.POST, section=section)
    if section.deleted_at is not None:
        return _section_deleted(request, section, membership, form)
    if request.POST.get("draft"):  # the shared editor: its draft is the text
        return _publish(request, membership, section, form)
    if not form.is_valid() or (resolving and parse_markers(form.cleaned_data["body"]).hunks):
        return _edit_refused(request, section, membership, form)
    try:
        result = section.save_edit(
            author=request.user,
            heading=form.cleaned_data.get("heading", ""),
            body=form.cleaned_data["body"],
            base_version=form.cleaned_data["version"],
            note=f"Resolved a conflict with version {resolving}" if resolving else "",
        )
    except SectionDeleted as gone:
        return _section_deleted(request, gone.section, membership, form)
    except EditConflict as conflict:
        return _conflict_response(request, conflict, membership)
    return _saved(request, section, membership, merge_notice(result), f"Saved “{section}”.")


def _publish(request: HttpRequest, membership, section, form) -> HttpResponse:
    """Save from the shared editor: the draft becomes the next version (the posted text is the
    fallback kept in the form when the draft cannot be published)."""
    draft_id = params.int_param(request.POST, "draft", required=True)
    draft = drafts.Draft.objects.filter(pk=draft_id, section=section).first()
    form.is_valid()  # for the form shown on a refusal: the posted text, as typed
    try:
        if draft is None:
            raise drafts.DraftGone(draft_id)
        result = drafts.publish(draft, request.user)
    except drafts.DraftGone:
        return _section_response(
            request, section, membership, form=form, status=409, notice=DRAFT_GONE
        )
    except drafts.PublishRefused as refused:
        return _section_response(
            request, section, membership, form=form, status=422, notice=str(refused), draft=draft
        )
    except SectionDeleted as gone:
        return _section_deleted(request, gone.section, membership, form)
    except EditConflict:
        notice = DRAFT_CHANGED
        return _section_response(request, section, membership, form=form, status=409, notice=notice)
    section = section.read_again()
    done = f"Saved “{section}”." if result else "Nothing to save: the draft is the section's text."
    return _saved(request, section, membership, merge_notice(result), done)


DRAFT_GONE = (
    "This shared draft was discarded or replaced meanwhile, so nothing was published. Your text "
    "is still here: save again to save it as the next version."
)
DRAFT_CHANGED = (
    "The section changed while the draft was being published; nothing was published. The "
    "change is merged into the draft: look at it, then save again."
)


def _edit_refused(request, section, membership, form) -> HttpResponse:
    """422: the editor again, with the user's text and what is wrong with it."""
    if "version" in form.errors:  # the next save is on the version the user now sees
        form.data = form.data.copy()
        form.data["version"] = section.version
    return _section_response(request, section, membership, form=form, status=422)


def _saved(request, section, membership, notice: str, done: str) -> HttpResponse:
    """After a save: the section (HTMX, with `sectionSaved` for the outline), else the plan."""
    if request.htmx:
        response = _section_response(request, section, membership, notice=notice)
        return trigger_client_event(response, "sectionSaved", {"id": section.pk})
    if notice:
        messages.info(request, notice)
    messages.success(request, done)
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
    return _section_response(request, section, membership, form=form, status=409)


@login_required
@require_POST
def section_restore_with_text(request: HttpRequest, slug: str, plan_id: int, section_id: int):
    """“Restore the section with my text”: a section deleted while it was being edited comes
    back at its place, the editor's text its next version (merged like any save)."""
    membership, section = get_section_for(
        request.user, slug, plan_id, section_id, need="can_edit", include_deleted=True
    )
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
    notice = f"Restored “{section}” with your text as version {section.version}."
    if not result:
        notice = f"Restored “{section}”; your text was already its text."
    return _saved(request, section, membership, notice if request.htmx else "", notice)


@login_required
@require_GET
def section_edit(request: HttpRequest, slug: str, plan_id: int, section_id: int) -> HttpResponse:
    membership, section = get_section_for(request.user, slug, plan_id, section_id, need="can_edit")
    # The shared draft's text: the section's, with whatever was typed since it was published.
    draft, heading, body = drafts.open_draft_text(section)
    initial = {
        "heading": heading if section.level else section.heading,
        "body": body,
        "version": draft.base_version,
    }
    if request.htmx:  # the editor alone: kept rendered under everything it shows
        return HttpResponse(render_editor(section, draft, initial, get_token(request)))
    form = SectionForm(initial=initial, section=section)
    return _section_response(request, section, membership, form=form, draft=draft)


@login_required
@require_POST
def section_preview(request: HttpRequest, slug: str, plan_id: int, section_id: int) -> HttpResponse:
    _, section = get_section_for(
        request.user, slug, plan_id, section_id, need="can_edit", include_deleted=True
    )
    body = request.POST.get("body", "")
    html = section.render_body(body, section.plan.references) if body.strip() else ""
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
    # Deleted meanwhile: the change is refused with who deleted it and when, not a 404.
    _, section = get_section_for(
        request.user, slug, plan_id, section_id, need="can_edit", include_deleted=True
    )
    plan_url = section.plan.get_absolute_url()
    action = STRUCTURE_ACTIONS.get(request.POST.get("action", ""))
    target = f"{plan_url}#{section.anchor}"
    if action is None:
        messages.error(request, "Unknown change: choose one of the section menu's entries.")
    else:
        try:
            new = action(section, request.user)
        except restructuring.StructureRefused as refused:
            messages.error(request, str(refused))
        else:
            if request.POST.get("action") == "delete":
                messages.success(request, f"Deleted “{section}”. {RESTORE_HINT}")
                target = plan_url
            elif new is not None:  # a new section: open its editor
                target = f"{plan_url}?edit={new.pk}#{new.anchor}"
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


RESTORE_HINT = "Restore it from the plan's history if you need it back."


@login_required
@require_POST
def section_restore(request: HttpRequest, slug: str, plan_id: int, section_id: int):
    """Bring a deleted section back, with its revisions and reviews."""
    _, section = get_section_for(
        request.user, slug, plan_id, section_id, need="can_edit", include_deleted=True
    )
    restructuring.restore_section(section, request.user)
    messages.success(request, f"Restored “{section}”.")
    return redirect(f"{section.plan.get_absolute_url()}#{section.anchor}")


@login_required
@require_GET
def section_history(request: HttpRequest, slug: str, plan_id: int, section_id: int):
    membership, section = get_section_for(request.user, slug, plan_id, section_id)
    revisions = (
        section.revisions.select_related("author").prefetch_related("authors").order_by("-version")
    )
    context = {
        "project": section.plan.project,
        "plan": section.plan,
        "section": section,
        "membership": membership,
        "revisions": revisions,
        "discarded_drafts": section.discarded_drafts.select_related(
            "discarded_by"
        ).prefetch_related("authors"),
    }
    return render(request, "plans/section_history.html", context)


@login_required
@require_POST
@rejects_invalid_parameters
def section_restore_version(request: HttpRequest, slug: str, plan_id: int, section_id: int):
    """“Restore this version”: a new revision with an old version's text (never a rewrite)."""
    _, section = get_section_for(
        request.user, slug, plan_id, section_id, need="can_edit", include_deleted=True
    )
    version = params.int_param(request.POST, "version", required=True)
    base_version = params.int_param(request.POST, "base_version") or section.version
    try:
        result = section.restore_version(version, author=request.user, base_version=base_version)
    except SectionRevision.DoesNotExist:
        raise Http404("That section never had this version.") from None
    except SectionDeleted as gone:
        messages.error(request, f"{restructuring.deleted_notice(gone.section)} {RESTORE_FIRST}")
        return redirect("plan_activity", slug, plan_id)
    except EditConflict:
        messages.error(request, CHANGED_MEANWHILE)
        return redirect("section_history", slug, plan_id, section_id)
    if result:
        restored = f"Restored version {version} of “{section}” as version {section.version}."
        messages.success(request, restored)
    else:
        messages.info(request, f"Version {version} is the same as the current text.")
    return redirect(f"{section.plan.get_absolute_url()}#{section.anchor}")


RESTORE_FIRST = (
    "Nothing was restored: bring the section back with Restore below first, then restore the "
    "version you need."
)
CHANGED_MEANWHILE = (
    "The section changed while you were looking at its history; nothing was restored. "
    "Look again, then restore."
)


@login_required
@require_POST
@rejects_invalid_parameters
@batched()
def section_task(request: HttpRequest, slug: str, plan_id: int, section_id: int):
    """Tick or untick one task list item on the rendered section (a new revision)."""
    membership, section = get_section_for(
        request.user, slug, plan_id, section_id, need="can_edit", include_deleted=True
    )
    done = params.bool_param(request.POST, "done")
    index = params.int_param(request.POST, "index", required=True, minimum=0)
    seen_version = params.int_param(request.POST, "version", required=True)
    try:
        result = section.tick_task(index, done, seen_version=seen_version, author=request.user)
    except TaskMissing as missing:
        return HttpResponse(str(missing), status=400)
    except SectionDeleted as gone:
        notice = f"{restructuring.deleted_notice(gone.section)} {TICK_RESTORE_FIRST}"
        return _section_response(request, gone.section, membership, notice=notice, status=409)
    except EditConflict as conflict:
        current = conflict.current
        notice = TICK_REFUSED.format(who=current.updated_by or "Someone")
        return _section_response(request, current, membership, notice=notice, status=409)
    response = _section_response(request, section, membership, notice=merge_notice(result))
    return trigger_client_event(response, "sectionSaved", {"id": section.pk})


TICK_REFUSED = (
    "{who} changed this list meanwhile and that item is gone or changed; nothing was ticked. "
    "Here is the current list."
)
TICK_RESTORE_FIRST = "Nothing was ticked: restore the section from the plan's history to change it."


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
@batched()
def section_decide(request: HttpRequest, slug: str, plan_id: int, section_id: int) -> HttpResponse:
    """A reviewer approves the version they read, or requests changes on it."""
    membership, section = get_section_for(
        request.user, slug, plan_id, section_id, need="can_review"
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _section_display(request, membership, section, status=422, form=form)
    try:
        decision = form.record(section, request.user)
    except ContentChanged as changed:
        return _refused(request, membership, changed.current, 409, str(changed), form)
    except PlaceholdersLeft as refused:
        return _refused(request, membership, section, 409, str(refused), form)
    except ReviewRefused as refused:
        return _refused(request, membership, section, 403, str(refused), form)
    if not request.htmx:
        verb = Decision(decision.decision).verb_on.capitalize()
        messages.success(request, f"{verb} “{section}”.")
    return _section_display(request, membership, section)


def _refused(request, membership, section, status: int, notice: str, form) -> HttpResponse:
    return _section_display(request, membership, section, status=status, notice=notice, form=form)
