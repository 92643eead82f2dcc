"""PlanHub's own account pages: the profile, "log out everywhere", and allauth's log-in and
password reset as PlanHub offers them. Reset by e-mail is offered only where the site can send
mail (EMAIL_URL is set): otherwise its pages say whom to ask instead, and nothing is sent."""

from functools import wraps

from allauth.account import views as account_views
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import reauthentication
from .adapter import mail_available
from .forms import ProfileForm
from .models import Profile, remember_display_name
from .sessions import end_every_session


class LoginView(account_views.LoginView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(
            password_reset_available=mail_available(),
            signup_open=get_adapter().is_open_for_signup(self.request),
            **kwargs,
        )


login = LoginView.as_view()


def offered_only_with_mail(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not mail_available():
            return render(request, "account/password_reset_unavailable.html")
        return view(request, *args, **kwargs)

    return wrapper


password_reset = offered_only_with_mail(account_views.password_reset)
password_reset_done = offered_only_with_mail(account_views.password_reset_done)
password_reset_from_key = offered_only_with_mail(account_views.password_reset_from_key)
password_reset_from_key_done = offered_only_with_mail(account_views.password_reset_from_key_done)


def old_password_page(request: HttpRequest, page: str) -> HttpResponse:
    """Django's former addresses (/accounts/password_change/, /accounts/password_reset/,
    /accounts/reset/...): to the page that does it now."""
    return redirect("password_change" if page == "password_change" else "password_reset")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """GET shows the profile and links to every account page; POST saves name and zone."""
    form = ProfileForm(request.POST or None, instance=Profile.of(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        remember_display_name(request, request.user)
        messages.success(request, "Profile saved.")
        return redirect("profile")
    user = request.user
    context = {
        "form": form,
        "emails": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
        "authenticators": {a.type for a in Authenticator.objects.filter(user=user)},
        "sessions": UserSession.objects.purge_and_list(user),
        "mail_available": mail_available(),
    }
    return render(request, "account/profile.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    ended = end_every_session(request.user)
    logout(request)
    messages.success(
        request,
        f"Logged out everywhere: {ended} session{'s' if ended != 1 else ''} ended, this one "
        "included.",
    )
    return redirect("login")


@login_required
@require_POST
def signing_key_options(request: HttpRequest) -> JsonResponse:
    """A WebAuthn challenge for the signer's security keys, for the sign-off form's script
    (docs/signing.md); the assertion comes back with the sign-off, checked there."""
    return JsonResponse({"request_options": reauthentication.key_options(request.user)})
