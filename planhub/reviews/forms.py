from django import forms
from django.contrib.auth import get_user_model

from planhub.lib.params import IdChoiceField, IdMultipleChoiceField, WholeNumberField
from planhub.projects.models import Membership, Role

from .models import Decision, SectionDecision, SignOffDecision

COMMENT_MAX_CHARS = 10_000


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices)
    comment = forms.CharField(required=False, max_length=COMMENT_MAX_CHARS, widget=forms.Textarea)
    version = WholeNumberField(widget=forms.HiddenInput)

    def record(self, section, reviewer) -> SectionDecision:
        """The valid form's decision, by `reviewer` on the version they read (raises what
        SectionDecision.record raises)."""
        return SectionDecision.record(
            section=section,
            reviewer=reviewer,
            decision=self.cleaned_data["decision"],
            version=self.cleaned_data["version"],
            comment=self.cleaned_data["comment"].strip(),
        )


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


REQUEST_MESSAGE_MAX_CHARS = 2_000


class ReviewRequestForm(forms.Form):
    """Whom to ask (reviewers and owners of the project, not oneself), by when, and why."""

    reviewers = IdMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one reviewer.",
            "invalid_choice": "Only the project's reviewers and owners (not you) can be asked: "
            "%(value)s is not one of them.",
            "invalid_pk_value": "“%(pk)s” is not a member of this project.",
        },
    )
    due = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the due date as YYYY-MM-DD (or leave it empty)."},
    )
    message = forms.CharField(
        required=False,
        max_length=REQUEST_MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"A message can be at most {REQUEST_MESSAGE_MAX_CHARS:,} characters "
            "(this one has %(show_value)s)."
        },
    )

    def __init__(self, *args, project, requester, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        field = self.fields["reviewers"]
        field.queryset = (
            get_user_model()
            .objects.filter(
                memberships__project=project, memberships__role__in=[Role.OWNER, Role.REVIEWER]
            )
            .exclude(pk=requester.pk)
            .order_by("username")
        )
        roles = dict(Membership.objects.filter(project=project).values_list("user_id", "role"))
        field.label_from_instance = lambda u: f"{u.username} ({Role(roles[u.pk]).label.lower()})"

    def mark_asked(self, user_ids: set[int]) -> None:
        """Say beside each reviewer in `user_ids` that an open request waits for them."""
        field = self.fields["reviewers"]
        label = field.label_from_instance
        field.label_from_instance = lambda u: (
            f"{label(u)}: asked, not done yet" if u.pk in user_ids else label(u)
        )

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due is not None and due < self.today:
            raise forms.ValidationError(
                f"The due date {due:%Y-%m-%d} is in the past (today is {self.today:%Y-%m-%d})."
            )
        return due
