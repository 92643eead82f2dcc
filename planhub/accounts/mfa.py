"""Two-factor authentication that a project can require of its members.

`planhub.projects.access` raises MfaRequired for a member without a second factor; the
middleware turns it into what that person can act on: in the browser, the two-factor setup page
with a message saying why; for an API client, a 403 JSON error.
"""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# A second factor that can log in on its own; recovery codes are only a fallback.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user) -> bool:
    return (
        user.is_authenticated
        and Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()
    )


class MfaRequired(PermissionDenied):
    """The project requires two-factor authentication, and this member has none set up."""

    def __init__(self, project_name: str):
        self.project_name = project_name
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return (
            f"{self.project_name} requires two-factor authentication: set up an authenticator "
            "app or a security key to open it."
        )


def wants_json(request: HttpRequest) -> bool:
    return (
        request.path.startswith("/api/")
        or "authorization" in request.headers
        or request.headers.get("accept", "").startswith("application/json")
    )


class RequireMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, MfaRequired):
            return None
        if wants_json(request):
            return JsonResponse({"error": exception.message, "code": "mfa_required"}, status=403)
        if request.htmx:
            response = JsonResponse({"error": exception.message}, status=403)
            response["HX-Redirect"] = reverse("mfa_index")
            messages.warning(request, exception.message)
            return response
        messages.warning(request, exception.message)
        return redirect("mfa_index")
