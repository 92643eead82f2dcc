import re

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .outline import atx_heading, detect_line_ending, join_sources, retitle, split_sections
from .placeholders import find_placeholders
from .rendering import render_heading, render_markdown

# Sent once a new plan and all its sections exist (the reviews app adds sign-off slots).
plan_created = Signal()


class PlanTemplateQuerySet(models.QuerySet):
    def available_in(self, project) -> "PlanTemplateQuerySet":
        """Built-in templates plus the project's own, built-in first."""
        return self.filter(Q(project__isnull=True) | Q(project=project)).order_by(
            F("project").asc(nulls_first=True), "name"
        )


class PlanTemplate(models.Model):
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="templates",
        help_text="Empty for a built-in template.",
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.TextField(help_text="The template's Markdown.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlanTemplateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(project__isnull=True), name="template_builtin_slug"
            ),
            models.UniqueConstraint(fields=["project", "slug"], name="template_project_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.project_id is None

    def title_line(self) -> str:
        """The text of the template's first H1 (the future plan's title), or ""."""
        return next((s.heading for s in split_sections(self.source) if s.level == 1), "")

    def title_placeholders(self) -> list[str]:
        """Placeholders in the title, in order, each once: ['X', 'Phase Name']."""
        return list(dict.fromkeys(find_placeholders(self.title_line())))

    def outline(self) -> list[tuple[int, str]]:
        return [(s.level, s.heading) for s in split_sections(self.source) if s.level]

    @classmethod
    def create_uploaded(cls, *, project, text: str, name: str, author=None) -> "PlanTemplate":
        """A project's own template from uploaded Markdown (named after its H1 by default)."""
        first = next((s.heading for s in split_sections(text) if s.level), "")
        name = (name or first or "Uploaded template")[:200]
        return cls.objects.create(
            project=project,
            slug=cls.unique_slug_for(name, project),
            name=name,
            source=text,
            created_by=author,
        )

    @classmethod
    def unique_slug_for(cls, name: str, project) -> str:
        base = slugify(name)[:70] or "template"
        slug, counter = base, 2
        while cls.objects.filter(project=project, slug=slug).exists():
            slug, counter = f"{base}-{counter}", counter + 1
        return slug


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace(f"[{name}]", value)
    return text


class Plan(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(max_length=500)
    template = models.ForeignKey(
        PlanTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    line_ending = models.CharField(max_length=2, default="\n")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The project page and dashboard list plans by most recent change.
            models.Index(fields=["project", "-updated_at"], name="plan_project_updated"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.project.slug, self.pk])

    @classmethod
    @transaction.atomic
    def create_from_markdown(
        cls, *, project, text: str, author, title: str = "", template=None
    ) -> "Plan":
        """A plan whose sections are `text` split at its headings; revision 1 of each."""
        parsed = split_sections(text)
        h1 = next((s.heading for s in parsed if s.level == 1), "")
        plan = cls.objects.create(
            project=project,
            title=(h1 or title or "Untitled plan")[:500],
            template=template,
            line_ending=detect_line_ending(text),
            created_by=author,
        )
        sections = Section.objects.bulk_create(
            Section(
                plan=plan,
                position=position,
                level=part.level,
                heading=part.heading,
                heading_source=part.heading_source,
                body=part.body,
                guidance=part.body,
                heading_html=render_heading(part.heading),
                body_html=render_markdown(part.body),
                updated_by=author,
            )
            for position, part in enumerate(parsed)
        )
        if not all(section.pk for section in sections):  # backends without RETURNING ids
            sections = list(plan.sections.all())
        SectionRevision.objects.bulk_create(section.revision(author) for section in sections)
        plan_created.send(sender=cls, plan=plan)
        return plan

    @classmethod
    def create_from_template(
        cls, *, project, template: PlanTemplate, author, values: dict[str, str], title: str = ""
    ) -> "Plan":
        """A plan from `template`: title placeholders filled wherever they occur, or (for a
        template without any) the H1 replaced by `title` when it differs."""
        text = fill_placeholders(template.source, values)
        if title:
            text = retitle(text, title)
        return cls.create_from_markdown(
            project=project, text=text, author=author, title=template.name, template=template
        )

    def to_markdown(self) -> str:
        return join_sources([section.source for section in self.sections.all()])

    def touch(self) -> None:
        Plan.objects.filter(pk=self.pk).update(updated_at=timezone.now())


class EditConflict(Exception):
    """Someone saved the section after the version this edit started from."""

    def __init__(self, current: "Section"):
        super().__init__(f"section {current.pk} is at version {current.version}")
        self.current = current


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField(help_text="0 for the text before the first heading.")
    heading = models.CharField(max_length=500, blank=True)
    heading_source = models.TextField(blank=True, help_text="The heading's exact Markdown.")
    body = models.TextField(blank=True)
    guidance = models.TextField(blank=True, help_text="The template's original text.")
    heading_html = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "position"]
        indexes = [
            # The plan page and the export read a plan's sections in order.
            models.Index(fields=["plan", "position"], name="section_plan_position"),
        ]

    def __str__(self) -> str:
        return self.heading or "(text before the first heading)"

    def get_absolute_url(self) -> str:
        return reverse("section_detail", args=[self.plan.project.slug, self.plan_id, self.pk])

    @property
    def source(self) -> str:
        return self.heading_source + self.body

    @property
    def anchor(self) -> str:
        return f"section-{self.pk}"

    @property
    def is_title(self) -> bool:
        return (
            self.level == 1
            and not self.plan.sections.filter(level=1, position__lt=self.position).exists()
        )

    @property
    def editable_body(self) -> str:
        """The body without the blank lines framing it (they are kept on save)."""
        return self.body.strip("\r\n").replace("\r\n", "\n").replace("\r", "\n")

    def frame_body(self, text: str) -> str:
        """`text` from the editor, with the plan's line endings and this body's framing."""
        line_ending = self.plan.line_ending
        core = re.sub(r"\r\n|\r", "\n", text).strip("\n").replace("\n", line_ending)
        old_core = self.body.strip("\r\n")
        if old_core:
            start = self.body.index(old_core)
            leading, trailing = self.body[:start], self.body[start + len(old_core) :]
        else:
            leading, trailing = line_ending, line_ending * 2
        if not core:
            return self.body if not old_core else leading + trailing
        return leading + core + trailing

    def revision(self, author) -> "SectionRevision":
        return SectionRevision(
            section=self,
            version=self.version,
            level=self.level,
            heading=self.heading,
            heading_source=self.heading_source,
            body=self.body,
            body_html=self.body_html,
            author=author,
        )

    def save_edit(self, *, author, heading: str, body: str, base_version: int) -> bool:
        """Save an edit made on `base_version`; False when it changes nothing.

        Raises EditConflict when someone else saved since `base_version`: the update only
        applies while the row is still at that version, so two saves can never both win.
        """
        heading = heading.strip() if self.level else ""
        heading_source = self.heading_source
        heading_changed = heading != self.heading
        if heading_changed:
            heading_source = atx_heading(self.level, heading, self.plan.line_ending)
        new_body = self.frame_body(body)
        if not heading_changed and new_body == self.body:
            return False
        with transaction.atomic():
            changed = {
                "heading": heading,
                "heading_source": heading_source,
                "body": new_body,
                "heading_html": render_heading(heading),
                "body_html": render_markdown(new_body),
                "updated_by": author,
                "updated_at": timezone.now(),
            }
            claimed = Section.objects.filter(pk=self.pk, version=base_version).update(
                version=base_version + 1, **changed
            )
            if not claimed:
                raise EditConflict(Section.objects.select_related("updated_by").get(pk=self.pk))
            for field, value in changed.items():
                setattr(self, field, value)
            self.version = base_version + 1
            self.revision(author).save()
            if heading_changed and self.is_title:
                Plan.objects.filter(pk=self.plan_id).update(title=heading[:500])
            self.plan.touch()
        return True


class SectionRevision(models.Model):
    """Append-only history: one row per saved version of a section."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=500, blank=True)
    heading_source = models.TextField(blank=True)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["section", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["section", "version"], name="revision_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.section} v{self.version}"
