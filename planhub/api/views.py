from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from planhub.plans.models import Plan
from planhub.projects.access import get_membership
from planhub.reviews.status import review_plan

from .auth import AuthenticationFailed, api_user
from .forms import ApiTokenForm
from .models import ApiToken
from .serializers import plan_json

NOT_FOUND = "No such plan, or you are not a member of its project."


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Per-user answers: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _unauthorized(error: AuthenticationFailed) -> JsonResponse:
    response = _json({"error": str(error)}, status=401)
    challenge = 'Bearer realm="PlanHub"'
    if error.invalid_token:
        challenge += ', error="invalid_token"'
    response["WWW-Authenticate"] = challenge
    return response


# Read-only: every method but GET/HEAD answers 405, so CSRF protection has nothing to guard
# (and a token client sends no CSRF token).
@csrf_exempt
def plan_status(request: HttpRequest, plan_id: int) -> JsonResponse:
    """The plan's review status as JSON, for any member (session login or API token)."""
    if request.method not in ("GET", "HEAD"):
        response = _json({"error": f"{request.method} is not allowed here; use GET."}, 405)
        response["Allow"] = "GET, HEAD"
        return response
    try:
        user = api_user(request)
    except AuthenticationFailed as error:
        return _unauthorized(error)
    # The URL names no project: find the plan, then ask the project's access rules about it.
    plan = Plan.objects.select_related("project").filter(pk=plan_id).first()
    try:
        if plan is None:
            raise Http404
        get_membership(user, plan.project.slug)
    except Http404:  # missing and foreign plans look the same
        return _json({"error": NOT_FOUND}, status=404)
    # What the status needs of a section: heading, level, version and its Markdown source.
    sections = list(plan.sections.defer("body_html", "heading_html", "guidance"))
    review = review_plan(plan, sections)
    return _json(plan_json(review, request.build_absolute_uri(plan.get_absolute_url())))


def _tokens_page(request, form, *, new_secret=None, new_token=None, status=200) -> HttpResponse:
    context = {
        "tokens": ApiToken.objects.filter(user=request.user),
        "form": form,
        "new_secret": new_secret,
        "new_token": new_token,
    }
    response = render(request, "api/tokens.html", context, status=status)
    if new_secret:  # the only page ever holding the secret: keep it out of every cache
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """GET lists my tokens; POST creates one and shows its secret on this response only
    (it is never stored, not even in the session, so there is no redirect to carry it)."""
    if request.method == "GET":
        return _tokens_page(request, ApiTokenForm(user=request.user))
    form = ApiTokenForm(request.POST, user=request.user)
    if not form.is_valid():
        return _tokens_page(request, form, status=422)
    token, secret = ApiToken.issue(request.user, form.cleaned_data["name"])
    return _tokens_page(
        request, ApiTokenForm(user=request.user), new_secret=secret, new_token=token, status=201
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token.delete()
    messages.success(request, f"Revoked “{token.name}” ({token.prefix}…): it no longer works.")
    return redirect("api_tokens")
