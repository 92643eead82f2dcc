"""Log-in and password reset pages. Reset by e-mail is offered only where the site can send
mail (EMAIL_URL is set): otherwise its pages say whom to ask instead, and nothing is sent."""

from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render

from .forms import (
    RequestResetForm,
    ResetPasswordForm,
    ThrottledAuthenticationForm,
    ThrottledPasswordChangeForm,
)


def reset_by_email_available() -> bool:
    return bool(settings.EMAIL_URL)


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            password_reset_available=reset_by_email_available(), **kwargs
        )


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def offered_only_with_mail(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not reset_by_email_available():
            return render(request, "registration/password_reset_unavailable.html")
        return view(request, *args, **kwargs)

    return wrapper


password_reset = offered_only_with_mail(
    auth_views.PasswordResetView.as_view(form_class=RequestResetForm)
)
password_reset_done = offered_only_with_mail(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = offered_only_with_mail(
    auth_views.PasswordResetConfirmView.as_view(form_class=ResetPasswordForm)
)
password_reset_complete = offered_only_with_mail(auth_views.PasswordResetCompleteView.as_view())
