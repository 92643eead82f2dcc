from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from . import throttle
from .tasks import send_password_reset_mail


def throttled_error(lead: str, minutes: int, advice: str = "") -> forms.ValidationError:
    return forms.ValidationError(
        f"{lead} For your account's safety, try again in {minutes} "
        f"minute{'s' if minutes != 1 else ''}{advice}.",
        code="throttled",
    )


class ThrottleMessageMixin:
    """A log-in form that says why when the throttle refused the attempt (the backend notes it
    on the request), instead of "wrong password"."""

    def get_invalid_login_error(self):
        wait = getattr(self.request, "login_throttled_minutes", 0)
        if not wait:
            return super().get_invalid_login_error()
        return throttled_error(
            "Too many failed log-ins.", wait, " (or ask a project owner to help you in)"
        )


class ThrottledAuthenticationForm(ThrottleMessageMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMessageMixin, AdminAuthenticationForm):
    pass


class ResetPasswordForm(SetPasswordForm):
    """A new password from the e-mailed link: who proved they own the address may log in with
    it at once, even if the account was throttled for the old password."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        throttle.clear_failures(user.get_username())
        return user


class RequestResetForm(PasswordResetForm):
    """Asks for a reset link by e-mail; the background worker writes and sends it."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        send_password_reset_mail.enqueue(
            user_id=context["user"].pk,
            to_email=to_email,
            domain=context["domain"],
            protocol=context["protocol"],
        )


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Changing the password checks the old one: that check counts against the same throttle
    as a log-in, so a session left open cannot be used to guess the password."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        check = super().clean_old_password
        try:
            return throttle.counted_check(self.user.get_username(), self.request, check)
        except throttle.LoginThrottled as refusal:
            raise throttled_error("Too many wrong passwords.", refusal.minutes) from None
