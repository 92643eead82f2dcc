from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from planhub.accounts import reauthentication
from planhub.lib import params
from planhub.lib.params import rejects_invalid_parameters
from planhub.plans.access import get_plan, get_section, get_section_for
from planhub.plans.models import Section, SignOffSlot
from planhub.projects.access import get_membership

from . import events
from .activity import plan_activity
from .forms import AssignForm, CommentEditForm, CommentForm, SignOffForm
from .mentions import announce, suggestion_query, suggestions
from .models import (
    Comment,
    CommentRefused,
    ContentChanged,
    ReviewRefused,
    SignOff,
)
from .status import review_plan

# The event a review answer triggers: the outline and the plan status refresh on it.
REVIEW_EVENTS = "reviewChanged"


@login_required
@require_GET
@rejects_invalid_parameters
def section_changes(request: HttpRequest, slug: str, plan_id: int, section_id: int) -> HttpResponse:
    """What changed in a section since a version (e.g. since my approval)."""
    membership, section = get_section_for(request.user, slug, plan_id, section_id)
    since, to = params.int_param(request.GET, "since"), params.int_param(request.GET, "to")
    comparison = section.compare_versions(since, to)
    context = {
        "project": section.plan.project,
        "plan": section.plan,
        "section": section,
        "membership": membership,
        "old": comparison.old,
        "new": comparison.new,
        "diff": comparison.diff,
        "versions": comparison.versions,
    }
    template = "reviews/changes.html#diff" if request.htmx else "reviews/changes.html"
    return render(request, template, context)


def _comments_response(request, membership, section, *, form=None, status=200, editing=None):
    """The section's comments (full page, or the thread list for HTMX); `form` is a comment or
    reply that was refused (its text kept), `editing` a comment whose edit form is open."""
    threads = list(
        section.comments.filter(parent=None)
        .select_related("author", "resolved_by")
        .prefetch_related("replies__author")
    )
    for comment in (c for thread in threads for c in (thread, *thread.replies.all())):
        comment.mine = comment.author_id == request.user.pk and not comment.is_deleted
    form = form or CommentForm()
    context = {
        "project": section.plan.project,
        "plan": section.plan,
        "section": section,
        "membership": membership,
        "threads": threads,
        "open_comments": sum(not thread.is_resolved for thread in threads),
        "form": form,
        "reply_to": form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None,
        "editing": editing,
        "mentions_url": reverse("mention_suggestions", args=[section.plan.project.slug]),
    }
    template = "reviews/comments.html#thread-list" if request.htmx else "reviews/comments.html"
    response = render(request, template, context, status=status)
    if request.method == "POST" and status == 200:
        trigger_client_event(response, "commentChanged", {"section": section.pk})
    return response


@login_required
@require_http_methods(["GET", "POST"])
def comments(request: HttpRequest, slug: str, plan_id: int, section_id: int) -> HttpResponse:
    need = "can_comment" if request.method == "POST" else None
    membership = get_membership(request.user, slug, need=need)
    section = get_section(get_plan(membership, plan_id), section_id)
    if request.method == "GET":
        return _comments_response(request, membership, section)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _comments_response(request, membership, section, form=form, status=422)
    parent = None
    if form.cleaned_data["parent"]:
        parent = get_object_or_404(
            Comment, pk=form.cleaned_data["parent"], section=section, parent=None
        )
    with transaction.atomic():  # the comment and whom it tells: both or neither
        written = Comment.write(
            section=section, author=request.user, parent=parent, body=form.cleaned_data["body"]
        )
        announce(written, new=True)
    if not request.htmx:
        return redirect(written.comment.get_absolute_url())
    return _comments_response(request, membership, section)


def _comment_for(request, slug: str, plan_id: int, comment_id: int):
    """The membership (one who may comment), the comment and its section, or 404/403."""
    membership = get_membership(request.user, slug, need="can_comment")
    plan = get_plan(membership, plan_id)
    comment = get_object_or_404(
        Comment.objects.select_related("author"), pk=comment_id, section__plan=plan
    )
    comment.section = get_section(plan, comment.section_id)
    return membership, comment, comment.section


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, slug: str, plan_id: int, comment_id: int) -> HttpResponse:
    """GET: the comments with this one's edit form open; POST body: its new text (author only)."""
    membership, comment, section = _comment_for(request, slug, plan_id, comment_id)
    try:
        comment.check_may_change(request.user)
    except CommentRefused as refusal:
        raise PermissionDenied(str(refusal)) from None
    if request.method == "GET":
        form = CommentEditForm(initial={"body": comment.body})
        return _comments_response(request, membership, section, editing=(comment, form))
    form = CommentEditForm(request.POST)
    if not form.is_valid():
        return _comments_response(request, membership, section, editing=(comment, form), status=422)
    with transaction.atomic():
        announce(comment.edit(request.user, form.cleaned_data["body"]), new=False)
    if not request.htmx:
        return redirect(comment.get_absolute_url())
    return _comments_response(request, membership, section)


@login_required
@require_POST
def comment_delete(request: HttpRequest, slug: str, plan_id: int, comment_id: int) -> HttpResponse:
    """Delete a comment (author only); a thread with replies stays as "comment deleted"."""
    membership, comment, section = _comment_for(request, slug, plan_id, comment_id)
    try:
        comment.delete_by(request.user)
    except CommentRefused as refusal:
        raise PermissionDenied(str(refusal)) from None
    if not request.htmx:
        return redirect("comments", slug, plan_id, section.pk)
    return _comments_response(request, membership, section)


@login_required
@require_GET
@rejects_invalid_parameters
def mention_suggestions(request: HttpRequest, slug: str) -> JsonResponse:
    """GET q: the project's members whose username starts with `q` (or whose name holds it),
    for the comment box's @ autocomplete. Members only."""
    membership = get_membership(request.user, slug)
    typed = suggestion_query(request.GET.get("q", ""))
    found = suggestions(membership.project_id, typed)
    return JsonResponse(
        {"members": [{"username": m.username, "name": m.name} for m in found]},
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@require_POST
@rejects_invalid_parameters
def comment_resolve(request: HttpRequest, slug: str, plan_id: int, comment_id: int) -> HttpResponse:
    """POST resolved=1 resolves the thread, resolved=0 re-opens it."""
    membership = get_membership(request.user, slug, need="can_comment")
    plan = get_plan(membership, plan_id)
    # With its section: the live channel names the section's plan (planhub/live/signals.py).
    comments = Comment.objects.select_related("section")
    thread = get_object_or_404(comments, pk=comment_id, section__plan=plan, parent=None)
    if not params.bool_param(request.POST, "resolved", default=True):
        thread.reopen()
    else:
        thread.resolve(request.user)
    section = get_section(plan, thread.section_id)
    if not request.htmx:
        return redirect("comments", slug, plan.pk, section.pk)
    return _comments_response(request, membership, section)


def _signoffs_response(request, membership, plan, *, status=200, notice="", forms=None):
    context = {
        "project": plan.project,
        "plan": plan,
        "membership": membership,
        "plan_review": review_plan(plan),
        "signoff_notice": notice,
        "signoff_forms": forms or {},
    }
    if request.htmx:
        response = render(request, "reviews/_signoffs_body.html", context, status=status)
        if request.method == "POST" and status == 200:
            trigger_client_event(response, REVIEW_EVENTS, {"plan": plan.pk})
        return response
    if request.method == "POST" and status == 200:
        return redirect(f"{plan.get_absolute_url()}#signoffs")
    return render(request, "reviews/signoffs_page.html", context, status=status)


@login_required
@require_GET
def signoffs(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    membership = get_membership(request.user, slug)
    return _signoffs_response(request, membership, get_plan(membership, plan_id))


@login_required
@require_POST
def signoff_assign(request: HttpRequest, slug: str, plan_id: int, slot_id: int) -> HttpResponse:
    membership = get_membership(request.user, slug, need="can_manage")
    plan = get_plan(membership, plan_id)
    slot = get_object_or_404(SignOffSlot, pk=slot_id, plan=plan)
    form = AssignForm(request.POST, project=plan.project)
    if not form.is_valid():
        notice = "Choose a reviewer or owner of this project."
        return _signoffs_response(request, membership, plan, status=422, notice=notice)
    assignee = form.cleaned_data["assignee"]
    previous_assignee = slot.assignee_id
    slot.assign(assignee.user if assignee else None, by=request.user)
    if slot.assignee_id != previous_assignee:
        events.signoff_assigned(slot, by=request.user)
    return _signoffs_response(request, membership, plan)


@login_required
@require_POST
def signoff_decide(request: HttpRequest, slug: str, plan_id: int, slot_id: int) -> HttpResponse:
    membership = get_membership(request.user, slug, need="can_review")
    plan = get_plan(membership, plan_id)
    slot = get_object_or_404(SignOffSlot, pk=slot_id, plan=plan)
    try:
        SignOff.check_may_sign(slot, request.user)  # before the form: a 403 whatever was sent
    except ReviewRefused as refused:
        raise PermissionDenied(str(refused)) from None
    form = SignOffForm(request.POST)
    if not form.is_valid():
        return _signoffs_response(request, membership, plan, status=422, forms={slot.pk: form})
    account = reauthentication.sso_account(request.user)
    if account is not None:  # no password: the identity provider's fresh log-in instead
        return _sign_through_sso(request, plan, slot, form.cleaned_data, account)
    try:
        identity_check = reauthentication.confirm(
            request,
            request.user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
            key=form.cleaned_data["key"],
        )
    except reauthentication.ReauthenticationFailed as failed:
        form.add_error("password", failed.message)
        status = 422 if request.htmx else 403  # htmx swaps 422 (base.html's responseHandling)
        return _signoffs_response(request, membership, plan, status=status, forms={slot.pk: form})
    try:
        SignOff.record(
            slot,
            user=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"].strip(),
            seen_hash=form.cleaned_data["content_hash"],
            identity_check=identity_check,
        )
    except ContentChanged as changed:
        return _signoffs_response(request, membership, plan, status=409, notice=str(changed))
    return _signoffs_response(request, membership, plan)


def _sign_through_sso(request, plan, slot, data: dict, account) -> HttpResponse:
    """Keep the decision in the session and send the signer to `signoff_sso`, which sends them
    to their provider's log-in and records the decision when they come back confirmed."""
    pending = {
        "plan": plan.pk,
        "slot": slot.pk,
        "decision": data["decision"],
        "reason": data["reason"].strip(),
        "content_hash": data["content_hash"],
    }
    page = reverse("signoff_sso", args=[plan.project.slug, plan.pk, slot.pk])
    reauthentication.start_sso(request, account, pending)
    return HttpResponseClientRedirect(page) if request.htmx else redirect(page)


@login_required
@require_GET
def signoff_sso(request: HttpRequest, slug: str, plan_id: int, slot_id: int) -> HttpResponse:
    """Signing by single sign-on: before the provider, a page that sends the signer there;
    after it (the provider's log-in returns here), the decision recorded, or why not."""
    membership = get_membership(request.user, slug, need="can_review")
    plan = get_plan(membership, plan_id)
    slot = get_object_or_404(SignOffSlot, pk=slot_id, plan=plan)
    pending = reauthentication.pending_sso(request, request.user)
    if pending is None or pending["slot"] != slot.pk:
        return redirect(f"{plan.get_absolute_url()}#signoffs")
    if "confirmed" not in pending:  # not back from the provider yet
        context = {
            "project": plan.project,
            "plan": plan,
            "slot": slot,
            "pending": pending,
            "provider_name": reauthentication.provider_name(pending["provider"]),
            "login_url": reauthentication.sso_login_url(pending["provider"], request.path),
        }
        return render(request, "reviews/signoff_sso.html", context)
    try:
        SignOff.check_may_sign(slot, request.user)
        pending, identity_check = reauthentication.take_sso_confirmation(request, request.user)
        SignOff.record(
            slot,
            user=request.user,
            decision=pending["decision"],
            reason=pending["reason"],
            seen_hash=pending["content_hash"],
            identity_check=identity_check,
        )
    except (ReviewRefused, reauthentication.ReauthenticationFailed) as refused:
        return _signoffs_response(request, membership, plan, status=403, notice=str(refused))
    except ContentChanged as changed:
        return _signoffs_response(request, membership, plan, status=409, notice=str(changed))
    return redirect(f"{plan.get_absolute_url()}#signoffs")


@login_required
@require_GET
def activity(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    membership = get_membership(request.user, slug)
    plan = get_plan(membership, plan_id)
    deleted = Section.all_objects.filter(plan=plan, deleted_at__isnull=False).select_related(
        "deleted_by"
    )
    context = {
        "project": plan.project,
        "plan": plan,
        "membership": membership,
        "events": plan_activity(plan),
        "deleted_sections": deleted.order_by("-deleted_at"),
    }
    return render(request, "reviews/activity.html", context)
