from allauth.account import forms as allauth_forms
from allauth.core import context
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm

from . import throttle
from .adapter import mail_available
from .models import Profile
from .time_zones import TIME_ZONE_CHOICES


def throttled_error(lead: str, minutes: int, advice: str = "") -> forms.ValidationError:
    return forms.ValidationError(
        f"{lead} For your account's safety, try again in {minutes} "
        f"minute{'s' if minutes != 1 else ''}{advice}.",
        code="throttled",
    )


def throttled_login_error(request) -> forms.ValidationError | None:
    """The throttle's refusal (the backend notes it on the request), if it refused."""
    wait = getattr(request, "login_throttled_minutes", 0)
    if not wait:
        return None
    return throttled_error(
        "Too many failed log-ins.", wait, " (or ask a project owner to help you in)"
    )


class LoginForm(allauth_forms.LoginForm):
    """allauth's log-in (username or e-mail address), saying why when the throttle refused
    the attempt instead of "not correct"."""

    def __init__(self, *args, **kwargs):
        data = kwargs.get("data")
        if data is not None and "login" not in data and "username" in data:
            # Django's log-in form called the field "username": scripts and password managers
            # that still post it keep working.
            data = data.copy()
            data["login"] = data["username"]
            kwargs["data"] = data
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or e-mail address"
        self.fields["login"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = "Stay logged in on this computer"

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            refusal = throttled_login_error(self.request)
            if refusal is not None:
                raise refusal from None
            raise


class ReauthenticateForm(allauth_forms.ReauthenticateForm):
    """The password again before a sensitive change: checked through the throttle (by the
    backend), and saying so when it refused."""

    def clean_password(self) -> str:
        try:
            return super().clean_password()
        except forms.ValidationError:
            refusal = throttled_login_error(context.request)
            if refusal is not None:
                raise refusal from None
            raise


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    def get_invalid_login_error(self):
        return throttled_login_error(self.request) or super().get_invalid_login_error()


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    """Changing the password checks the old one: that check counts against the same throttle
    as a log-in, so a session left open cannot be used to guess the password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel_new_password(self)
        self.fields["oldpassword"].label = "Current password"
        if not mail_available():  # its "Forgot your password?" leads nowhere without mail
            self.fields["oldpassword"].help_text = ""

    def clean_oldpassword(self) -> str:
        check = super().clean_oldpassword
        try:
            return throttle.counted_check(self.user.get_username(), None, check)
        except throttle.LoginThrottled as refusal:
            raise throttled_error("Too many wrong passwords.", refusal.minutes) from None


def relabel_new_password(form) -> None:
    """PlanHub's wording; the labels say it all (no placeholder repeating them)."""
    form.fields["password1"].label = "New password"
    form.fields["password2"].label = "New password (again)"
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    """A new password from the e-mailed link: who proved they own the address may log in with
    it at once, even if the account was throttled for the old password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel_new_password(self)

    def save(self) -> None:
        super().save()
        throttle.clear_failures(self.user.get_username())


class SignupForm(allauth_forms.SignupForm):
    display_name = forms.CharField(
        max_length=150,
        required=False,
        label="Display name",
        help_text="The name others see (optional; your username otherwise).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        self.fields["email"].label = "E-mail address"

    def save(self, request):
        user = super().save(request)
        if user is not None:
            Profile.objects.update_or_create(
                user=user, defaults={"display_name": self.cleaned_data.get("display_name", "")}
            )
        return user


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        label="Time zone",
        help_text="Digests arrive at your hour; times in mail are yours.",
    )

    class Meta:
        model = Profile
        fields = ["display_name", "time_zone"]
        labels = {"display_name": "Display name"}
        help_texts = {"display_name": "The name others see. Empty: your username."}
