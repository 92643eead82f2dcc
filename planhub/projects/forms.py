from django import forms
from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils.text import slugify

from planhub.lib.params import WholeNumberField
from planhub.reviews.status import PlanStatus

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
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"required_approvals": WholeNumberField}
        labels = {
            "required_approvals": "Approvals a section needs",
            "allow_self_approval": "Authors may approve their own text",
            "placeholders_block_approval": "Sections with unfilled placeholders cannot be approved",
        }


class PlanFilterForm(forms.Form):
    """The project page's plans list: a GET form whose state lives in the URL. A value that is
    not one of the choices is reported and treated as “any” (the default)."""

    DEFAULTS = {"status": "", "template": "", "sort": "updated", "show": "active"}
    SORTS = {
        "updated": ("-updated_at", "-pk"),
        "oldest": ("updated_at", "pk"),
        "title": (Lower("title"), "-updated_at"),
    }

    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *PlanStatus.choices], label="Status"
    )
    template = forms.ChoiceField(required=False, label="Template")
    sort = forms.ChoiceField(
        required=False,
        label="Sort by",
        choices=[
            ("updated", "Recently updated"),
            ("oldest", "Least recently updated"),
            ("title", "Title"),
        ],
    )
    show = forms.ChoiceField(required=False, label="Show")

    def __init__(self, *args, templates, counts: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            ("", "Any template"),
            *((str(t.pk), f"{t.name} (archived)" if t.is_archived else t.name) for t in templates),
            ("blank", "Blank"),
            ("imported", "Imported"),
        ]
        self.fields["show"].choices = [
            ("active", f"Active plans ({counts['active']})"),
            ("archived", f"Archived plans ({counts['archived']})"),
        ]

    def filters(self) -> dict[str, str]:
        """The valid choices, defaults for the rest (and for anything invalid)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or default for name, default in self.DEFAULTS.items()}

    def filter(self, plans, filters: dict[str, str]):
        """`plans` (a queryset) narrowed by everything but the status, which is computed."""
        plans = plans.archived() if filters["show"] == "archived" else plans.active()
        template = filters["template"]
        if template == "blank":
            plans = plans.filter(template=None, started_blank=True)
        elif template == "imported":
            plans = plans.filter(template=None, started_blank=False)
        elif template:
            plans = plans.filter(template_id=int(template))
        return plans.order_by(*self.SORTS[filters["sort"]])

    @staticmethod
    def is_filtered(filters: dict[str, str]) -> bool:
        """Whether the list leaves plans out (the sort order leaves nothing out)."""
        defaults = PlanFilterForm.DEFAULTS
        return any(filters[name] != defaults[name] for name in ("status", "template", "show"))
