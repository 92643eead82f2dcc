from django import forms
from django.db.models.functions import Lower

from planhub.reviews.rules import PlanStatus


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
