from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .throttle import minutes_to_wait


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        wait = minutes_to_wait(username, self.request)
        if wait:
            raise forms.ValidationError(
                f"Too many failed log-ins. For your account's safety, try again in {wait} "
                f"minute{'s' if wait != 1 else ''} (or ask a project owner to help you in).",
                code="throttled",
            )
        return super().clean()
