from django import forms

from .models import ApiToken


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, so you can tell it apart later (e.g. “CI release "
        "check”). At most 100 characters.",
        error_messages={
            "required": "Give the token a name, e.g. “CI release check”.",
            "max_length": "Keep the name to %(limit_value)d characters or fewer "
            "(it has %(show_value)d).",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if ApiToken.objects.filter(user=self.user, name=name).exists():
            raise forms.ValidationError(
                f"You already have a token called “{name}”: choose another name, or revoke "
                "that one first."
            )
        return name
