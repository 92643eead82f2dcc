"""Review mode: the whole plan for one reviewer (what waits for their decision first, with what
changed since), a decision on one section from there, and "Approve all I have read"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from planhub.lib import params
from planhub.lib.params import rejects_invalid_parameters
from planhub.plans.access import get_plan_for, get_section_for
from planhub.reviews.forms import ReviewForm
from planhub.reviews.models import (
    ContentChanged,
    Decision,
    ReviewRefused,
    SectionDecision,
)
from planhub.reviews.review_mode import review_page
from planhub.reviews.views import REVIEW_EVENTS

from . import page_cache
from .fragment_cache import CSRF_MARKER
from .review_params import shown_versions

TEMPLATE = "reviews/review_mode.html"


def _context(plan, membership, user, **extra) -> dict:
    page = review_page(plan, user)
    return {
        "project": plan.project,
        "plan": plan,
        "membership": membership,
        "page": page,
        "plan_review": page.plan_review,
        "review_mode": True,
        **extra,
    }


@login_required
@require_GET
def review(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """Every member may read it; only reviewers and owners get the controls. Served from the
    page cache (page_cache.review_page) while nothing of the plan changed."""
    membership, plan = get_plan_for(request.user, slug, plan_id)

    def render_content():
        context = _context(plan, membership, request.user)
        # Rendered without the request: the CSRF token and the sign-off controls are filled in.
        context.update(page_markers=True, csrf_token=CSRF_MARKER)
        html = get_template(f"{TEMPLATE}#review-content").render(context)
        return html, context["plan_review"]

    content = page_cache.review_page(request, plan, membership, render_content)
    shell = {"plan": plan, "review_mode": True}  # the shortcuts dialog lists the review keys
    return page_cache.page_response(request, TEMPLATE, shell, content)


@login_required
@require_POST
def review_decide(request: HttpRequest, slug: str, plan_id: int, section_id: int) -> HttpResponse:
    """Approve or request changes on the version shown in review mode; a refusal is shown in
    the section's card (the new text and its diff when it changed meanwhile)."""
    membership, section = get_section_for(
        request.user, slug, plan_id, section_id, need="can_review"
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        notice = "Choose Approve or Request changes for the version you read."
        return _card(request, membership, section, 422, notice, form)
    try:
        decision = form.record(section, request.user)
    except ContentChanged as changed:
        return _card(request, membership, section, 409, str(changed), form)
    except ReviewRefused as refused:
        return _card(request, membership, section, 409, str(refused), form)
    said = f"{Decision(decision.decision).verb_on.capitalize()} “{section}”."
    if not request.htmx:
        messages.success(request, said)
        return redirect(f"{_review_url(section.plan)}#review-section-{section.pk}")
    return _card(request, membership, section, 200, "", None, said=said)


def _card(request, membership, section, status: int, notice: str, form, said: str = ""):
    """The section's card in review mode (HTMX), or the whole page with the notice in it."""
    context = _context(section.plan, membership, request.user, said=said)
    card = context["card"] = context["page"].item(section.pk)
    card.notice = notice
    card.comment = (form.data.get("comment") or "") if form is not None else ""
    if not request.htmx:
        return render(request, TEMPLATE, context, status=status)
    response = render(request, f"{TEMPLATE}#decided", context, status=status)
    return trigger_client_event(response, REVIEW_EVENTS) if status == 200 else response


@login_required
@require_POST
@rejects_invalid_parameters
def review_approve_read(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """Approve the sections the reader read, each on the version shown: first a confirmation
    listing them (unless `confirm` is given), then one decision per section."""
    membership, plan = get_plan_for(request.user, slug, plan_id, need="can_review")
    shown = shown_versions(request.POST)
    if not shown:
        messages.error(request, "Tick “I have read this” on the sections you read first.")
        return redirect(_review_url(plan))
    if not params.bool_param(request.POST, "confirm"):
        headings = {s.pk: s for s in plan.sections.filter(pk__in=[pk for pk, _ in shown])}
        listed = [(headings.get(pk), pk, version) for pk, version in shown]
        context = _context(plan, membership, request.user, confirming=listed)
        return render(request, "reviews/review_confirm.html", context)
    result = SectionDecision.record_many(plan=plan, reviewer=request.user, shown=shown)
    if result.recorded:
        n = len(result.recorded)
        messages.success(request, f"Approved {n} section{'s' if n != 1 else ''}.")
    for refused in result.refused:
        heading = refused.section or f"Section {refused.section_id}"
        messages.warning(
            request, f"Not approved: “{heading}” (version {refused.version}): {refused.reason}"
        )
    return redirect(_review_url(plan))


def _review_url(plan) -> str:
    return reverse("plan_review", args=[plan.project.slug, plan.pk])
