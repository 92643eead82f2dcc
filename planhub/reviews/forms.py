from django import forms

from planhub.lib.params import IdChoiceField, WholeNumberField
from planhub.projects.models import Membership, Role

from .models import Decision, SignOffDecision

COMMENT_MAX_CHARS = 10_000


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices)
    comment = forms.CharField(required=False, max_length=COMMENT_MAX_CHARS, widget=forms.Textarea)
    version = WholeNumberField(widget=forms.HiddenInput)


class CommentForm(forms.Form):
    """A comment or reply (Markdown); `parent` is the thread a reply answers."""

    body = forms.CharField(
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write something first.",
            "max_length": (
                f"A comment can be at most {COMMENT_MAX_CHARS:,} characters long "
                "(this one has %(show_value)s): shorten it or split it in two."
            ),
        },
    )
    parent = WholeNumberField(required=False, widget=forms.HiddenInput)


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]


class SignOffForm(forms.Form):
    decision = forms.ChoiceField(choices=SignOffDecision.choices)
    reason = forms.CharField(required=False, max_length=COMMENT_MAX_CHARS, widget=forms.Textarea)
    content_hash = forms.CharField(max_length=64, widget=forms.HiddenInput)
    # Re-authentication to sign (accounts/reauthentication.py checks them, in the view).
    password = forms.CharField(required=False, max_length=4096, strip=False)
    code = forms.CharField(required=False, max_length=32)
    key = forms.CharField(required=False, max_length=20_000, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("decision") == SignOffDecision.DECLINED and not data.get("reason", "").strip():
            self.add_error("reason", "Give a reason for declining, so the team can act on it.")
        return data


class AssignForm(forms.Form):
    assignee = IdChoiceField(queryset=None, required=False, empty_label="Nobody")

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            Membership.objects.filter(project=project, role__in=[Role.OWNER, Role.REVIEWER])
            .select_related("user")
            .order_by("user__username")
        )
        self.fields["assignee"].label_from_instance = lambda m: (
            f"{m.user.username} ({m.get_role_display().lower()})"
        )
