"""Review requests on a plan: the list with each reviewer's progress, asking, cancelling."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from planhub.plans.access import get_plan
from planhub.projects.access import get_membership

from .forms import ReviewRequestForm
from .models import RequestRefused, ReviewRequest, zone_of
from .request_rules import due_wording

# The event a new or cancelled request triggers (the plan header's count listens to it).
REQUEST_EVENT = "reviewRequestsChanged"


def _form(request, membership, plan, data=None) -> ReviewRequestForm:
    today = timezone.now().astimezone(zone_of(request.user)).date()
    return ReviewRequestForm(data, project=plan.project, requester=request.user, today=today)


def _response(request, membership, plan, *, form=None, status=200, notice="", changed=False):
    requests = list(
        plan.review_requests.select_related("requested_by", "reviewer__profile", "cancelled_by")
    )
    progress = ReviewRequest.objects.filter(plan=plan).progress()
    now = timezone.now()
    for item in requests:
        item.progress = progress[item.pk]
        item.due_text = due_wording(item.due, now.astimezone(zone_of(item.reviewer)).date())
        item.may_cancel = item.cancelled_at is None and (
            item.requested_by_id == request.user.pk or membership.can_manage
        )
    if form is None and membership.can_edit:
        form = _form(request, membership, plan)
    if form is not None:
        form.mark_asked({item.reviewer_id for item in requests if item.progress.open})
    context = {
        "project": plan.project,
        "plan": plan,
        "membership": membership,
        "requests": requests,
        "form": form,
        "notice": notice,
        "notice_error": status >= 400,
    }
    if request.htmx:
        response = render(request, "reviews/review_requests.html#panel", context, status=status)
        if changed:
            trigger_client_event(response, REQUEST_EVENT, {"plan": plan.pk})
        return response
    if changed:
        return redirect("review_requests", plan.project.slug, plan.pk)
    return render(request, "reviews/review_requests.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def review_requests(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """GET: the plan's review requests; POST (editors, owners): ask members for a review."""
    need = "can_edit" if request.method == "POST" else None
    membership = get_membership(request.user, slug, need=need)
    plan = get_plan(membership, plan_id)
    if request.method == "GET":
        return _response(request, membership, plan)
    form = _form(request, membership, plan, request.POST)
    if not form.is_valid():
        return _response(request, membership, plan, form=form, status=422)
    try:
        ReviewRequest.create(
            plan,
            by=request.user,
            reviewers=form.cleaned_data["reviewers"],
            due=form.cleaned_data["due"],
            message=form.cleaned_data["message"].strip(),
        )
    except RequestRefused as refused:
        return _response(request, membership, plan, form=form, status=422, notice=str(refused))
    return _response(request, membership, plan, notice="Review requested.", changed=True)


@login_required
@require_POST
def review_request_cancel(
    request: HttpRequest, slug: str, plan_id: int, request_id: int
) -> HttpResponse:
    membership = get_membership(request.user, slug)
    plan = get_plan(membership, plan_id)
    review_request = get_object_or_404(ReviewRequest, pk=request_id, plan=plan)
    if review_request.requested_by_id != request.user.pk and not membership.can_manage:
        raise PermissionDenied("Only whoever asked, or an owner, can cancel a review request.")
    try:
        review_request.cancel(request.user, is_owner=membership.can_manage)
    except RequestRefused as refused:
        return _response(request, membership, plan, status=409, notice=str(refused))
    return _response(request, membership, plan, notice="Request cancelled.", changed=True)
