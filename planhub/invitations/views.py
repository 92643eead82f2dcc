"""Owners invite people (/p/<slug>/invitations/); invitees follow the link (/invitations/<token>/).

The owners' part is one panel, loaded into the members page by HTMX (the projects app cannot
import this one) and a page of its own without JavaScript."""

import re
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from planhub.accounts.adapter import INVITATION_SESSION_KEY
from planhub.projects.access import get_membership
from planhub.projects.models import ROLE_HELP

from .forms import InviteForm
from .models import (
    TOKEN_PATTERN,
    AlreadyInvited,
    AlreadyMember,
    Invitation,
    InvitationError,
    NotUsable,
    WrongAccount,
    has_email,
    users_with_email,
)

PAGE = "invitations/invitations.html"


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _panel(request, membership, *, form=None, notice="", error="", resend=None, status=200):
    """The owners' panel: the invitation form and the open invitations (a whole page without
    HTMX)."""
    context = {
        "project": membership.project,
        "membership": membership,
        "form": form or InviteForm(),
        "invitations": membership.project.invitations.open().select_related("invited_by__profile"),
        "notice": notice,
        "error": error,
        "resend": resend,
        "role_help": ROLE_HELP,
        "expiry_days": settings.INVITATION_EXPIRY_DAYS,
    }
    template = f"{PAGE}#panel" if request.htmx else PAGE
    return render(request, template, context, status=status)


def _done(request, membership, notice: str) -> HttpResponse:
    if request.htmx:
        return _panel(request, membership, notice=notice)
    messages.success(request, notice)
    return redirect("invitations", membership.project.slug)


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the owners' panel; POST email, role: invite someone."""
    membership = get_membership(request.user, slug, need="can_manage")
    if request.method == "GET":
        return _panel(request, membership)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _panel(request, membership, form=form, status=422)
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    try:
        invitation = Invitation.send(
            membership.project, email, role, by=request.user, site_url=_site_url(request)
        )
    except AlreadyInvited as refused:
        form.add_error("email", str(refused))
        return _panel(request, membership, form=form, resend=refused.invitation, status=409)
    except AlreadyMember as refused:
        form.add_error("email", str(refused))
        return _panel(request, membership, form=form, status=409)
    notice = f"Invitation sent to {invitation.email} as {invitation.get_role_display()}."
    return _done(request, membership, notice)


def _open_invitation(membership, invitation_id: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.open(), pk=invitation_id, project=membership.project
    )


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    membership = get_membership(request.user, slug, need="can_manage")
    invitation = _open_invitation(membership, invitation_id)
    try:
        invitation.resend(site_url=_site_url(request))
    except NotUsable as refused:
        return _panel(request, membership, error=str(refused), status=409)
    return _done(
        request, membership, f"Sent a new link to {invitation.email}; the old one no longer works."
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    membership = get_membership(request.user, slug, need="can_manage")
    invitation = _open_invitation(membership, invitation_id)
    try:
        invitation.revoke(by=request.user)
    except NotUsable as refused:
        return _panel(request, membership, error=str(refused), status=409)
    return _done(request, membership, f"Revoked the invitation to {invitation.email}.")


# --- Following the link -------------------------------------------------------------------
def _refused(request, message: str, status: int, invitation=None, log_out=False) -> HttpResponse:
    context = {
        "message": message,
        "invitation": invitation,
        "log_out": log_out,
        "here": request.path,
    }
    return render(request, "invitations/unusable.html", context, status=status)


def _welcome(request, invitation: Invitation) -> HttpResponse:
    role = invitation.get_role_display()
    messages.success(request, f"Welcome to {invitation.project.name}: you joined as {role}.")
    return redirect(invitation.project)


def _find(request, token: str) -> Invitation | HttpResponse:
    """The invitation of a usable link, or the answer to give instead: why the link does not
    work, or (used by this very user, as right after signing up through it) the project."""
    invitation = Invitation.objects.by_token(token) if re.fullmatch(TOKEN_PATTERN, token) else None
    if invitation is None:
        message = (
            "This invitation link is not valid: it may have been replaced by a newer one, or "
            "mistyped. Ask the person who invited you to send it again."
        )
        return _refused(request, message, 404)
    if invitation.accepted_by_id is not None and invitation.accepted_by_id == request.user.pk:
        return _welcome(request, invitation)
    try:
        invitation.check_usable()
    except NotUsable as refused:
        return _refused(request, str(refused), 410, invitation)
    return invitation


@never_cache  # the page of one link, for whoever holds it: no shared cache keeps it
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the invitation is and what to do (join, log in, sign up); POST: join."""
    found = _find(request, token)
    if isinstance(found, HttpResponse):
        return found
    if request.method == "POST":
        return _join(request, found)
    user = request.user
    context = {
        "invitation": found,
        "token": token,
        "role_help": ROLE_HELP[found.role],
        "here": request.path,
        "matches": user.is_authenticated and has_email(user, found.email),
        "has_account": not user.is_authenticated and users_with_email(found.email).exists(),
        "login_url": redirect_to_login(request.path).url,
    }
    return render(request, "invitations/invitation.html", context)


def _join(request, invitation: Invitation) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.path)
    try:
        membership, joined = invitation.accept(request.user)
    except WrongAccount as refused:
        return _refused(request, str(refused), 403, invitation, log_out=True)
    except InvitationError as refused:
        return _refused(request, str(refused), 410, invitation)
    if not joined:
        messages.info(
            request,
            f"You were already a member of {invitation.project.name} as "
            f"{membership.get_role_display()}; your role is unchanged.",
        )
        return redirect(invitation.project)
    return _welcome(request, invitation)


@never_cache
@require_POST
def invitation_signup(request: HttpRequest, token: str) -> HttpResponse:
    """Create an account through the link: the sign-up page opens for its holder (even when
    SIGNUP=invite) with the address filled in and verified, since the link proved it."""
    found = _find(request, token)
    if isinstance(found, HttpResponse):
        return found
    here = reverse("invitation", args=[token])
    if request.user.is_authenticated:
        return redirect(here)
    if users_with_email(found.email).exists():
        messages.info(request, f"{found.email} already has an account: log in to join.")
        return redirect_to_login(here)
    request.session[INVITATION_SESSION_KEY] = found.token_hash
    get_adapter(request).stash_verified_email(request, found.email)
    return redirect(f"{reverse('account_signup')}?{urlencode({'next': here}, safe='/')}")
