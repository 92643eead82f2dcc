from django import forms

from planhub.projects.models import Role

ROLE_MESSAGE = "Choose one of the roles: owner, editor, reviewer or viewer."


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={"invalid": "“%(value)s” is not an e-mail address (name@example.com)."},
    )
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.EDITOR,
        error_messages={"invalid_choice": ROLE_MESSAGE, "required": ROLE_MESSAGE},
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: the members page, where it is shown, has a form with a "role" field too.
        kwargs.setdefault("auto_id", "invite_%s")
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="off", spellcheck="false")
