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


class ThrottleMessageMixin:
    """A log-in form that says why when the throttle refused the attempt (the backend notes it
    on the request), instead of "wrong password"."""

    def get_invalid_login_error(self):
        wait = getattr(self.request, "login_throttled_minutes", 0)
        if not wait:
            return super().get_invalid_login_error()
        return forms.ValidationError(
            f"Too many failed log-ins. For your account's safety, try again in {wait} "
            f"minute{'s' if wait != 1 else ''} (or ask a project owner to help you in).",
            code="throttled",
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
        username = self.user.get_username()
        try:
            throttle.record_attempt(username, self.request)
        except throttle.LoginThrottled as refusal:
            raise forms.ValidationError(
                f"Too many wrong passwords. For your account's safety, try again in "
                f"{refusal.minutes} minute{'s' if refusal.minutes != 1 else ''}.",
                code="throttled",
            ) from None
        old_password = super().clean_old_password()
        throttle.clear_failures(username)
        return old_password
