"""Versions of a plan: the list (and freezing one), a frozen version, and the whole-plan diff
between two versions or a version and the working copy."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from planhub.plans.access import get_plan_for
from planhub.reviews.rules import PlanStatus
from planhub.reviews.status import review_plan

from .compare import WORKING, BadSide, compare, side
from .forms import FreezeForm
from .models import FreezeRefused, PlanVersion, why_not_approved


@login_required
@require_http_methods(["GET", "POST"])
def versions(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """The plan's versions, newest first; an owner freezes the approved plan here (POST)."""
    membership, plan = get_plan_for(request.user, slug, plan_id)
    form, status = FreezeForm(), 200
    if request.method == "POST":
        if not membership.can_manage:
            return HttpResponse("Only the project's owners can freeze a version.", status=403)
        form = FreezeForm(request.POST)
        if form.is_valid():
            try:
                version = PlanVersion.freeze(
                    plan, user=request.user, membership=membership, **_freeze_fields(form)
                )
            except FreezeRefused as refusal:
                form.add_error(refusal.field, str(refusal))
            else:
                return redirect(version)
        status = 409 if form.errors.get("__all__") else 400
    review = review_plan(plan)
    context = {
        "project": plan.project,
        "plan": plan,
        "membership": membership,
        "versions": list(plan.versions.select_related("frozen_by")),
        "plan_review": review,
        "approved": review.status == PlanStatus.APPROVED,
        "why_not": "" if review.status == PlanStatus.APPROVED else why_not_approved(review),
        "form": form,
    }
    return render(request, "baselines/versions.html", context, status=status)


def _freeze_fields(form: FreezeForm) -> dict:
    data = form.cleaned_data
    return {"name": data["name"], "note": data["note"], "seen_hash": data["content_hash"]}


@login_required
@require_GET
def version_detail(request: HttpRequest, slug: str, plan_id: int, version_id: int):
    membership, plan = get_plan_for(request.user, slug, plan_id)
    version = get_object_or_404(plan.versions.select_related("frozen_by"), pk=version_id)
    context = {
        "project": plan.project,
        "plan": plan,
        "membership": membership,
        "version": version,
        "sections": list(version.sections.all()),
    }
    return render(request, "baselines/version_detail.html", context)


@login_required
@require_GET
def version_compare(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """?from=<version id|working>&to=<version id|working>: the whole-plan diff. Without
    parameters: the latest version against the working copy. A bad side: 400, the form kept."""
    membership, plan = get_plan_for(request.user, slug, plan_id)
    all_versions = list(plan.versions.all())
    by_token = {str(v.pk): v for v in all_versions}
    default_from = str(all_versions[0].pk) if all_versions else ""
    tokens = {
        "from": request.GET.get("from", default_from),
        "to": request.GET.get("to", WORKING),
    }
    context = {
        "project": plan.project,
        "plan": plan,
        "membership": membership,
        "versions": all_versions,
        "chosen": tokens,
        "errors": {},
    }
    if not all_versions and not request.GET:
        return render(request, "baselines/compare.html", context)  # nothing frozen yet
    sides = {}
    for key, token in tokens.items():
        try:
            sides[key] = side(plan, token, by_token)
        except BadSide as problem:
            context["errors"][key] = str(problem)
    if context["errors"]:
        return render(request, "baselines/compare.html", context, status=400)
    context.update(old=sides["from"], new=sides["to"], diff=compare(sides["from"], sides["to"]))
    return render(request, "baselines/compare.html", context)
