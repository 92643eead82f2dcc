from django import forms
from django.conf import settings

from .models import PlanTemplate


def single_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise forms.ValidationError("Use a single line.")
    return value


class PlanCreateForm(forms.Form):
    """Title fields for the chosen template: one per placeholder in its H1."""

    def __init__(self, *args, template: PlanTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.placeholders = template.title_placeholders()
        for index, name in enumerate(self.placeholders):
            self.fields[f"placeholder_{index}"] = forms.CharField(
                label=name,
                max_length=200,
                validators=[single_line],
                help_text=f"Replaces [{name}] in the plan.",
            )
        if not self.placeholders:
            self.fields["title"] = forms.CharField(
                max_length=500, initial=template.title_line(), validators=[single_line]
            )

    def placeholder_values(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"placeholder_{index}"].strip()
            for index, name in enumerate(self.placeholders)
        }

    def title(self) -> str:
        return self.cleaned_data.get("title", "").strip()


LOST_VERSION = (
    "The editor lost track of the version you started from. Your text is kept: "
    "save again to put it on top of the current version."
)


class SectionForm(forms.Form):
    heading = forms.CharField(required=False, max_length=500, validators=[single_line])
    body = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    version = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "required": LOST_VERSION,
            "invalid": LOST_VERSION,
            "min_value": LOST_VERSION,
        },
    )

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        if section.level == 0:
            del self.fields["heading"]

    def clean_heading(self) -> str:
        heading = self.cleaned_data["heading"].strip()
        if not heading:
            raise forms.ValidationError("A heading cannot be empty.")
        return heading

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        limit = settings.SECTION_BODY_MAX_CHARS
        if len(body) > limit:
            raise forms.ValidationError(
                f"This section is {len(body):,} characters long; the limit is {limit:,}. "
                "Your text is still here: shorten it, or move part of it to another section."
            )
        return body
