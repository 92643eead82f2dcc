from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from planhub.accounts.mfa import has_second_factor
from planhub.lib.params import WholeNumberField

from .models import Membership, Project, Role

RESERVED_SLUGS = {"new"}


class ProjectForm(forms.ModelForm):
    slug = forms.SlugField(
        required=False,
        max_length=60,
        help_text="Used in addresses (/p/<slug>/). Leave empty to derive it from the name.",
    )

    class Meta:
        model = Project
        fields = ["name", "slug", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name", ""))[:60]
        if not slug:
            raise forms.ValidationError("Give the project a name or an address with letters.")
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(f"“{slug}” is reserved; choose another address.")
        if Project.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"A project at /p/{slug}/ already exists; choose another.")
        return slug


class MemberAddForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(f"No user is called “{username}”.")
        if Membership.objects.filter(project=self.project, user=user).exists():
            raise forms.ValidationError(f"{user.username} is already a member of this project.")
        return user


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ReviewSettingsForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "name",
            "description",
            "required_approvals",
            "allow_self_approval",
            "placeholders_block_approval",
            "require_mfa",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"required_approvals": WholeNumberField}
        labels = {
            "required_approvals": "Approvals a section needs",
            "allow_self_approval": "Authors may approve their own text",
            "placeholders_block_approval": "Sections with unfilled placeholders cannot be approved",
            "require_mfa": "Members must use two-factor authentication",
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_require_mfa(self) -> bool:
        required = self.cleaned_data["require_mfa"]
        if required and self.user is not None and not has_second_factor(self.user):
            raise forms.ValidationError(
                "Set up two-factor authentication for yourself first (your profile, "
                "“Two-factor authentication”): otherwise you would lock yourself out."
            )
        return required
