from django import forms
from django.conf import settings

from planhub.lib.params import WholeNumberField

from .models import PlanTemplate

# Headings and titles typed in PlanHub. Longer ones that came from an imported file or a
# template are kept as they are (an import is lossless), and may be shortened but not lengthened.
HEADING_MAX_CHARS = 500
TITLE_MAX_CHARS = 500


def single_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise forms.ValidationError("Use a single line.")
    return value


def one_line_field(what: str, limit: int, *, kept: str = "", **kwargs) -> forms.CharField:
    """A one-line text field of at most `limit` characters, or the length of `kept` (the text
    it holds already) when that is longer."""
    limit = max(limit, len(kept.strip()))
    message = (
        f"A {what} is one line of at most {limit:,} characters; this one has "
        "%(show_value)s. Your text is still here: shorten it."
    )
    return forms.CharField(
        max_length=limit,
        validators=[single_line],
        error_messages={"max_length": message},
        **kwargs,
    )


def written(name: str, text: str) -> str:
    """The placeholder `name` as `text` writes it: “[Owner]”, “{Owner}” or “<Owner>”."""
    return next(
        (f"{o}{name}{c}" for o, c in ("[]", "{}", "<>") if f"{o}{name}{c}" in text), f"[{name}]"
    )


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
                help_text=f"Replaces {written(name, template.title_line())} in the plan.",
            )
        if not self.placeholders:
            title = template.title_line()
            self.fields["title"] = one_line_field(
                "title", TITLE_MAX_CHARS, kept=title, initial=title
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
    body = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    version = WholeNumberField(
        widget=forms.HiddenInput,
        error_messages={
            "required": LOST_VERSION,
            "invalid": LOST_VERSION,
            "min_value": LOST_VERSION,
            "max_value": LOST_VERSION,
        },
    )
    field_order = ["heading", "body", "version"]

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        if section.level:
            self.fields["heading"] = one_line_field(
                "heading", HEADING_MAX_CHARS, kept=section.heading, required=False
            )
            self.order_fields(self.field_order)

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


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Markdown file",
        help_text="UTF-8 text with at least one # heading; at most 2 MB and 1,000 sections.",
        widget=forms.ClearableFileInput(attrs={"accept": ".md,.markdown,.txt,text/markdown"}),
    )
    kind = forms.ChoiceField(
        label="Import as",
        choices=[("plan", "A new plan"), ("template", "A template for this project")],
        initial="plan",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        required=False,
        max_length=200,
        validators=[single_line],
        label="Name (optional)",
        help_text="The plan's title when the file has no # title, or the template's name.",
    )

    def clean(self):
        from planhub.document.importing import MAX_IMPORT_BYTES, InvalidMarkdown, decode_markdown

        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        if upload.size > MAX_IMPORT_BYTES:
            size = upload.size / 1024 / 1024
            self.add_error("file", f"{upload.name} is {size:.1f} MB; the limit is 2 MB.")
            return data
        try:
            data["text"] = decode_markdown(upload.read(), name=upload.name)
        except InvalidMarkdown as error:
            self.add_error("file", str(error))
        return data


class BlankPlanForm(forms.Form):
    """A plan without a template asks only for its title."""

    title = one_line_field(
        "title",
        TITLE_MAX_CHARS,
        help_text="The plan starts with this title and an empty Overview section.",
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        if not title.strip("#").strip():
            raise forms.ValidationError("Give the plan a title with words in it.")
        return title


class SaveAsTemplateForm(forms.Form):
    """“Save as template”: the plan's current text becomes a template of its project."""

    name = forms.CharField(
        max_length=200,
        validators=[single_line],
        error_messages={"required": "Give the template a name."},
    )
    description = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown in the template chooser and the templates library.",
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        taken = PlanTemplate.objects.available_in(self.project).filter(name__iexact=name).first()
        if taken is not None:
            where = " (archived)" if taken.is_archived else ""
            raise forms.ValidationError(
                f"This project already has a template named “{taken.name}”{where}: "
                "choose another name."
            )
        return name


# The placeholder syntaxes a template may declare: (value, label, example) in form order.
SYNTAX_CHOICES = [
    ("square", "Square brackets", "[Owner]"),
    ("needs_clarification", "NEEDS CLARIFICATION marks", "NEEDS CLARIFICATION"),
    ("curly", "Curly braces (MADR and many design-doc templates)", "{short title}"),
    ("angle", "Angle brackets, when not an HTML tag", "<service name>"),
]


class PlaceholderSyntaxesForm(forms.Form):
    """Which placeholders a project template's plans count (docs/placeholders.md)."""

    syntaxes = forms.MultipleChoiceField(
        choices=[(value, label) for value, label, _ in SYNTAX_CHOICES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one kind of placeholder.",
            "invalid_choice": "“%(value)s” is not a kind of placeholder: choose from the list.",
        },
    )
