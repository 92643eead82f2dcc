import difflib
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import BigIntegerField, Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from planhub.document.merging import (
    highlight_unified,
    merge_edit,
    merge_heading,
    propose_merge,
)
from planhub.document.placeholders import (
    default_syntaxes,
    fill_placeholders,
    find_placeholders,
    propose_syntaxes,
    section_placeholder_count,
    template_counts,
)
from planhub.document.references import plan_references, text_references
from planhub.document.rendering import render_heading, render_markdown
from planhub.document.sections import (
    atx_heading,
    detect_line_ending,
    join_sources,
    retitle,
    split_sections,
)
from planhub.document.signoff_list import signoff_names
from planhub.document.slugs import plain_text
from planhub.document.task_lists import find_task, set_task, task_label
from planhub.lib.compiled_query import CompiledQuery, Param

from . import audit
from .signals import section_published


class ArchivableQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def archive_counts(self) -> dict[str, int]:
        """{"active": n, "archived": n}, in one query."""
        return self.aggregate(
            active=Count("pk", filter=Q(archived_at=None)),
            archived=Count("pk", filter=Q(archived_at__isnull=False)),
        )


class Archivable(models.Model):
    """Archived or not, by whom and since when: plans and a project's own templates. An archived
    one leaves its default list and stays readable at its address."""

    # No index: the lists read all of a project's templates (a handful), or its plans through
    # plan_project_updated, and drop the archived ones on the way.
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def set_archived(self, archived: bool, user=None) -> None:
        """Archive (by `user`) or restore; only these two columns are written (a plan's
        `updated_at` stays: it is when its content changed)."""
        self.archived_at = timezone.now() if archived else None
        self.archived_by = user if archived else None
        self.save(update_fields=["archived_at", "archived_by"])


class PlanTemplateQuerySet(ArchivableQuerySet):
    def available_in(self, project) -> "PlanTemplateQuerySet":
        """Built-in templates plus the project's own, built-in first."""
        return self.filter(Q(project__isnull=True) | Q(project=project)).order_by(
            F("project").asc(nulls_first=True), "name"
        )

    # active(): offered for new plans (only a project's own templates are ever archived).


class PlanTemplate(Archivable):
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
    # Rendered once, whenever the source is saved: the library and the preview page show these
    # and never parse the Markdown of a template (up to 2 MB) on a page view.
    rendered_html = models.TextField(blank=True, editable=False)
    headings = models.JSONField(
        default=list, blank=True, editable=False, help_text="The outline: [[level, text], …]."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Which placeholders its plans count (planhub/document/placeholders.py, docs/placeholders.md).
    placeholder_syntaxes = models.JSONField(default=default_syntaxes, blank=True)
    # Counted when the source or the syntaxes are saved: {syntax: n, …, "chosen": n}.
    placeholder_counts = models.JSONField(default=dict, blank=True, editable=False)
    # Archived (Archivable): hidden from the chooser and the library's main list; plans made
    # from it keep it.

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

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "source" in update_fields:
            self.render_source()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "rendered_html", "headings"}
        if update_fields is None or {"source", "placeholder_syntaxes"} & set(update_fields):
            self.count_placeholders()
            if update_fields is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "placeholder_counts"}
        super().save(*args, **kwargs)

    def count_placeholders(self) -> None:
        """Fill `placeholder_counts` from `source` and `placeholder_syntaxes`."""
        sections = split_sections(self.source)
        self.placeholder_counts = template_counts(
            ((s.heading, s.heading_source + s.body) for s in sections), self.placeholder_syntaxes
        )

    def render_source(self) -> None:
        """Fill `rendered_html` and `headings` from `source`."""
        self.rendered_html = render_markdown(self.source)
        self.headings = [[s.level, s.heading] for s in split_sections(self.source) if s.level]

    @property
    def is_builtin(self) -> bool:
        return self.project_id is None

    def set_archived(self, archived: bool, user=None) -> None:
        """Archive (or restore) a project's own template; built-ins are shared by every project
        and cannot be archived."""
        if self.is_builtin:
            raise ValueError("built-in templates cannot be archived")
        super().set_archived(archived, user)

    def title_line(self) -> str:
        """The text of the template's first H1 (the future plan's title), or ""."""
        return next((heading for level, heading in self.outline() if level == 1), "")

    def title_placeholders(self) -> list[str]:
        """Placeholders in the title, in order, each once: ['X', 'Phase Name']."""
        return list(dict.fromkeys(find_placeholders(self.title_line(), self.placeholder_syntaxes)))

    def outline(self) -> list[tuple[int, str]]:
        """(level, text) of every heading, as read when the source was saved."""
        return [(level, heading) for level, heading in self.headings]

    @classmethod
    def create_uploaded(
        cls,
        *,
        project,
        text: str,
        name: str,
        author=None,
        description: str = "",
        file_stem: str = "",
        placeholder_syntaxes: list[str] | None = None,
    ) -> "PlanTemplate":
        """A template of `project` (built-in when None) from uploaded Markdown, named after its
        first heading by default. `file_stem`, the name of the file it came from (the command
        line's import_template), gives the slug and the name when the heading has none.
        Its placeholder syntaxes are `placeholder_syntaxes`, or proposed from `text`."""
        first = next((s.heading for s in split_sections(text) if s.level), "")
        name = (name or first or file_stem or "Uploaded template")[:200]
        return cls.objects.create(
            project=project,
            slug=cls.unique_slug_for(file_stem or name, project),
            name=name,
            description=description,
            source=text,
            created_by=author,
            placeholder_syntaxes=(
                propose_syntaxes(text) if placeholder_syntaxes is None else placeholder_syntaxes
            ),
        )

    @classmethod
    def unique_slug_for(cls, name: str, project) -> str:
        base = slugify(name)[:70] or "template"
        slug, counter = base, 2
        while cls.objects.filter(project=project, slug=slug).exists():
            slug, counter = f"{base}-{counter}", counter + 1
        return slug


# SectionRevision.note's length.
NOTE_MAX = 300


def imported_from(name: str) -> str:
    """Version 1's note for a plan imported from the file `name`."""
    return f"Imported from “{name}”"[:NOTE_MAX]


def blank_plan_text(title: str, line_ending: str = "\n") -> str:
    """A blank plan: its title and one empty section to start writing in."""
    return f"{atx_heading(1, title, line_ending)}{line_ending}## Overview{line_ending}"


def plain_title_of(title: str) -> str:
    """`Plan.plain_title` for a title's text. A function of the text alone, kept per process:
    a dashboard's miss showed ~60 titles, each parsed and sanitised again (~12 ms). Only
    titles of ordinary length are kept, so the memory it holds stays small."""
    if len(title) > CACHED_TITLE_LENGTH:
        return _plain_title(title)
    return _cached_plain_title(title)


CACHED_TITLE_LENGTH = 300


def _plain_title(title: str) -> str:
    return plain_text(render_heading(title)).strip() or title


_cached_plain_title = functools.lru_cache(maxsize=4096)(_plain_title)


class Plan(Archivable):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="plans")
    # Text columns: a heading or title can come from an imported file of any line length.
    title = models.TextField()
    template = models.ForeignKey(
        PlanTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    line_ending = models.CharField(max_length=2, default="\n")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_blank = models.BooleanField(
        default=False, help_text="Started as a blank plan, without a template."
    )
    # Its template's when made from one (kept when the template's change), else proposed
    # from the imported text (docs/placeholders.md).
    placeholder_syntaxes = models.JSONField(default=default_syntaxes, blank=True)
    # Archived plans (Archivable) leave the project's default list and the dashboard, and stay
    # readable and editable at their address.
    # The reference-link definitions of all its sections, merged in document order (the first
    # of a label wins, as on GitHub): every section's body_html is rendered with them, and
    # they change (refresh_references) only when a section's own definitions or order do.
    references = models.JSONField(default=dict, blank=True, editable=False)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        indexes = [
            # The project page and dashboard list plans by most recent change.
            models.Index(fields=["project", "-updated_at"], name="plan_project_updated"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.project.slug, self.pk])

    @property
    def plain_title(self) -> str:
        """The title as a reader sees it ("Use `{x}`" shows "Use {x}"): for <title>, breadcrumbs
        and lists, where markup would show as literal Markdown or tags."""
        return plain_title_of(self.title)

    @classmethod
    @transaction.atomic
    def create_from_markdown(
        cls,
        *,
        project,
        text: str,
        author,
        title: str = "",
        template=None,
        started_blank=False,
        origin: str = "",
    ) -> "Plan":
        """A plan whose sections are `text` split at its headings; revision 1 of each.

        `origin` says where text nobody in the project wrote came from (“From template …”,
        “Imported from …”): version 1 is then attributed to it, not to `author`, who only
        created the plan (and may approve its sections)."""
        writer = None if origin else author
        if template is not None:
            syntaxes = template.placeholder_syntaxes
        else:
            syntaxes = default_syntaxes() if started_blank else propose_syntaxes(text)
        parsed = split_sections(text)
        h1 = next((s.heading for s in parsed if s.level == 1), "")
        references = plan_references(part.body for part in parsed)
        plan = cls.objects.create(
            project=project,
            title=h1 or title or "Untitled plan",
            template=template,
            line_ending=detect_line_ending(text),
            created_by=author,
            started_blank=started_blank,
            references=references,
            placeholder_syntaxes=syntaxes,
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
                body_html=render_markdown(part.body, references),
                placeholder_count=section_placeholder_count(
                    part.heading, part.heading_source + part.body, syntaxes, references
                ),
                updated_by=writer,
            )
            for position, part in enumerate(parsed)
        )
        if not all(section.pk for section in sections):  # backends without RETURNING ids
            sections = list(plan.sections.all())
        # Footnote ids carry the section's id (Section.render_body), known only now.
        with_footnotes = [s for s in sections if FOOTNOTE_ID_MARK in s.body_html]
        for section in with_footnotes:
            section.body_html = section.render_body(section.body, references)
        if with_footnotes:
            Section.objects.bulk_update(with_footnotes, ["body_html"])
        revisions = SectionRevision.objects.bulk_create(
            section.revision(writer, note=origin) for section in sections
        )
        if writer is not None:
            if not all(revision.pk for revision in revisions):
                revisions = SectionRevision.objects.filter(section__plan=plan)
            SectionRevision.authors.through.objects.bulk_create(
                SectionRevision.authors.through(sectionrevision_id=revision.pk, user_id=writer.pk)
                for revision in revisions
            )
        SignOffSlot.objects.bulk_create(
            SignOffSlot(plan=plan, name=name[:200], position=index)
            for index, name in enumerate(signoff_names(sections))
        )
        audit.record_plan_created(plan, revisions, author, origin)
        return plan

    @classmethod
    def create_from_template(
        cls, *, project, template: PlanTemplate, author, values: dict[str, str], title: str = ""
    ) -> "Plan":
        """A plan from `template`: title placeholders filled wherever they occur, or (for a
        template without any) the H1 replaced by `title` when it differs."""
        text = fill_placeholders(template.source, values, template.placeholder_syntaxes)
        if title:
            text = retitle(text, title)
        return cls.create_from_markdown(
            project=project,
            text=text,
            author=author,
            title=template.name,
            template=template,
            origin=f"From template “{template.name}”"[:NOTE_MAX],
        )

    @classmethod
    def create_blank(cls, *, project, title: str, author) -> "Plan":
        """A plan without a template: its title as the H1 and an empty ## Overview."""
        return cls.create_from_markdown(
            project=project,
            text=blank_plan_text(title),
            author=author,
            title=title,
            started_blank=True,
        )

    @property
    def template_label(self) -> str:
        """What the plan was started from, as lists show it."""
        if self.template_id is not None:
            return self.template.name
        return "Blank" if self.started_blank else "Imported"

    def to_markdown(self) -> str:
        return join_sources([section.source for section in self.sections.all()])

    def touch(self) -> None:
        Plan.objects.filter(pk=self.pk).update(updated_at=timezone.now())

    def references_with(self, section_pk: int, body: str) -> dict:
        """The plan's merged definitions, section `section_pk` having `body` (one query)."""
        bodies = self.sections.order_by("position", "pk").values_list("pk", "body")
        return plan_references(body if pk == section_pk else other for pk, other in bodies)

    @transaction.atomic
    def refresh_references(self) -> int:
        """Merge the sections' definitions again (the plan's row locked); when the result
        differs from `references`, store it and re-render every section whose body_html it
        changes, in one bulk update. How many sections were re-rendered."""
        stored = Plan.objects.select_for_update().values_list("references", flat=True)
        stored = stored.get(pk=self.pk)
        sections = list(
            self.sections.order_by("position", "pk").values_list(
                "pk", "body", "body_html", "heading", "heading_source", "placeholder_count"
            )
        )
        references = plan_references(row[1] for row in sections)
        self.references = references
        if references == stored:
            return 0
        Plan.objects.filter(pk=self.pk).update(references=references)
        changed = []
        for pk, body, html, heading, heading_source, count in sections:
            if "[" not in body:  # no link of any kind
                continue
            fresh = Section.render_body_of(pk, body, references)
            # A `[label]` that a definition now makes a link is no longer a placeholder.
            fresh_count = section_placeholder_count(
                heading, heading_source + body, self.placeholder_syntaxes, references
            )
            if fresh != html or fresh_count != count:
                changed.append(Section(pk=pk, body_html=fresh, placeholder_count=fresh_count))
        if changed:
            Section.objects.bulk_update(changed, ["body_html", "placeholder_count"])
        return len(changed)

    @transaction.atomic(savepoint=False)
    def set_archived(self, archived: bool, user=None) -> None:
        super().set_archived(archived, user)
        audit.record_archived(self, archived, user)


def editable_text(body: str) -> str:
    """A body as the editor shows it: without its framing blank lines, with \n endings."""
    return re.sub(r"\r\n|\r", "\n", body.strip("\r\n"))


def frame_text(old_body: str, text: str, line_ending: str) -> str:
    """`text` from the editor, with the plan's line endings and `old_body`'s framing (the blank
    lines around it, which the editor does not show)."""
    core = re.sub(r"\r\n|\r", "\n", text).strip("\n").replace("\n", line_ending)
    old_core = old_body.strip("\r\n")
    if old_core:
        start = old_body.index(old_core)
        leading, trailing = old_body[:start], old_body[start + len(old_core) :]
    else:
        leading, trailing = line_ending, line_ending * 2
    if not core:
        return old_body if not old_core else leading + trailing
    return leading + core + trailing


class EditConflict(Exception):
    """Someone saved the section after the version this edit started from, and the two edits
    touch the same lines."""

    def __init__(self, current: "Section", base: "SectionRevision | None" = None):
        super().__init__(f"section {current.pk} is at version {current.version}")
        self.current = current
        self.base = base

    @property
    def who(self) -> str:
        """Whose version this edit clashes with."""
        return self.current.updated_by.username if self.current.updated_by else "someone"

    def proposal(self, body: str):
        """This edit's `body` merged with the current text: every change that does not clash
        applied, each clash a marked hunk (see planhub.document.merging.propose_merge)."""
        base, current = self.base, self.current
        return propose_merge(
            editable_text(base.body) if base else None,
            editable_text(body),
            current.editable_body,
            f"{self.who}'s version {current.version}",
        )

    def merged_heading(self, heading: str) -> str | None:
        """This edit's heading merged with the current one; None when both changed it."""
        base = self.base.heading if self.base else None
        return merge_heading(base, heading, self.current.heading)


class TaskMissing(Exception):
    """The task list item (or the version it was ticked on) is not in the section: a request
    that does not match the section, not a change made meanwhile."""


@dataclass
class VersionComparison:
    """Two versions of a section, and the diff between them (its ---/+++ header left out)."""

    old: "SectionRevision"
    new: "SectionRevision"
    versions: list

    @property
    def diff(self) -> list:
        lines = difflib.unified_diff(
            (self.old.heading_source + self.old.body).splitlines(),
            (self.new.heading_source + self.new.body).splitlines(),
            lineterm="",
        )
        return highlight_unified(list(lines)[2:])


class SectionDeleted(Exception):
    """The section was deleted (by someone else, meanwhile) before this write; nothing was
    saved. `section` is the deleted section, with `deleted_by` and `deleted_at`."""

    def __init__(self, section: "Section"):
        super().__init__(f"section {section.pk} was deleted at {section.deleted_at}")
        self.section = section


# In body_html only where the text has footnotes (their ids).
FOOTNOTE_ID_MARK = 'id="user-content-fn'


@dataclass
class SaveResult:
    """What a save did: whether it changed anything, and whose edits it was merged with."""

    changed: bool
    merged_with: list = field(default_factory=list)  # (user, version) of merged-in edits
    coauthors: list = field(default_factory=list)  # who wrote the merged-in versions
    # The save changed the section's own reference-link definitions (the plan's are merged
    # again after it: Plan.refresh_references).
    references_changed: bool = False

    def __bool__(self) -> bool:
        return self.changed


class UndeletedSectionManager(models.Manager):
    """Sections not deleted (deleted ones stay, with their history, for a restore)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField(help_text="0 for the text before the first heading.")
    heading = models.TextField(blank=True)
    heading_source = models.TextField(blank=True, help_text="The heading's exact Markdown.")
    body = models.TextField(blank=True)
    guidance = models.TextField(blank=True, help_text="The template's original text.")
    heading_html = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    # Unfilled placeholders in heading and text, counted when the text is saved (like
    # body_html), so that lists of plans judge review status without reading every text.
    placeholder_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = UndeletedSectionManager()
    all_objects = models.Manager()  # noqa: DJ012 - a manager, not a field

    class Meta:
        ordering = ["plan", "position", "pk"]
        base_manager_name = "all_objects"
        indexes = [
            # The plan page and the export read a plan's sections in order.
            models.Index(fields=["plan", "position"], name="section_plan_position"),
            # The dashboard's "waiting for my review": newest sections first, up to 20.
            models.Index(fields=["-updated_at"], name="section_recent"),
        ]

    def __str__(self) -> str:
        return self.heading or "(text before the first heading)"

    def get_absolute_url(self) -> str:
        return reverse("section_detail", args=[self.plan.project.slug, self.plan_id, self.pk])

    @property
    def plain_heading(self) -> str:
        """The heading's text as rendered, markup dropped ("" before the first heading)."""
        return plain_text(self.heading_html)

    @property
    def source(self) -> str:
        return self.heading_source + self.body

    @property
    def anchor(self) -> str:
        return f"section-{self.pk}"

    @staticmethod
    def render_body_of(pk, body: str, references: dict) -> str:
        """body_html for section `pk`'s `body`: with the plan's reference-link `references`,
        its footnotes' ids unique on the plan's page by the section's id
        (`user-content-fn-<pk>-1`)."""
        return render_markdown(body, references, id_prefix=str(pk) if pk else "")

    def render_body(self, body: str, references: dict) -> str:
        return self.render_body_of(self.pk, body, references)

    @property
    def is_title(self) -> bool:
        return (
            self.level == 1
            and not self.plan.sections.filter(level=1, position__lt=self.position).exists()
        )

    @property
    def editable_body(self) -> str:
        """The body without the blank lines framing it (they are kept on save)."""
        return editable_text(self.body)

    def editor_initial(self) -> dict:
        """What the editor opens with: the heading, the text as edited, the version it is on."""
        return {"heading": self.heading, "body": self.editable_body, "version": self.version}

    def frame_body(self, text: str) -> str:
        return frame_text(self.body, text, self.plan.line_ending)

    def tick_task(self, index: int, done: bool, *, seen_version: int, author) -> SaveResult:
        """Tick (or untick) task list item `index` of the text the reader saw (`seen_version`):
        on a newer version, the item with the same label. TaskMissing when there is no such
        item or version; EditConflict when the item is gone or changed since; SectionDeleted."""
        if self.deleted_at is not None:
            raise SectionDeleted(self)
        try:
            if seen_version != self.version:
                seen = self.revisions.get(version=seen_version)
                index = find_task(self.body, task_label(seen.body, index))
                if index is None:
                    raise EditConflict(self)
            body = set_task(self.body, index, done)
        except (IndexError, SectionRevision.DoesNotExist):
            raise TaskMissing("That task is not in this section any more.") from None
        return self.save_edit(
            author=author, heading=self.heading, body=editable_text(body), base_version=self.version
        )

    def restore_version(self, version: int, *, author, base_version: int) -> SaveResult:
        """“Restore this version”: a new revision with an old version's text (never a rewrite),
        saved like any edit made on `base_version`. SectionRevision.DoesNotExist for a version
        the section never had; SectionDeleted; EditConflict."""
        old = self.revisions.get(version=version)
        if self.deleted_at is not None:
            raise SectionDeleted(self)
        return self.save_edit(
            author=author,
            heading=old.heading,
            body=editable_text(old.body),
            base_version=base_version,
            note=f"Restored version {old.version}",
        )

    def compare_versions(self, since: int | None, to: int | None) -> VersionComparison:
        """Version `since` against version `to`; a version the section does not have (any
        more) falls back to the one before the current and the current."""
        revisions = {
            r.version: r
            for r in self.revisions.select_related("author").prefetch_related("authors")
        }
        old = revisions.get(since) or revisions.get(self.version - 1) or revisions[self.version]
        new = revisions.get(to) or revisions[self.version]
        versions = sorted(revisions.values(), key=lambda r: r.version)
        return VersionComparison(old=old, new=new, versions=versions)

    def revision(self, author, note: str = "") -> "SectionRevision":
        return SectionRevision(
            section=self,
            version=self.version,
            level=self.level,
            heading=self.heading,
            heading_source=self.heading_source,
            body=self.body,
            body_html=self.body_html,
            author=author,
            note=note,
        )

    def authors_since(self, version: int) -> list:
        """Who wrote the versions after `version`, up to the current one."""
        User = SectionRevision.authors.field.related_model
        return list(
            User.objects.filter(
                pk__in=SectionRevision.authors.through.objects.filter(
                    sectionrevision__section=self,
                    sectionrevision__version__gt=version,
                    sectionrevision__version__lte=self.version,
                ).values("user_id")
            )
        )

    @transaction.atomic(savepoint=False)
    def record_revision(self, author, note: str = "", coauthors=()) -> "SectionRevision":
        """Append the section's current state to its history, written by `author` together
        with `coauthors` (people whose concurrent edits it merges); both may be empty for text
        nobody in the project wrote (a template's, an import's)."""
        revision = self.revision(author, note)
        revision.save()
        writers = {user.pk for user in (author, *coauthors) if user is not None}
        if writers:
            revision.authors.add(*writers)
        audit.record_revision(revision, self, author)
        # Who wrote the version this object now holds (current_authors, known without a query
        # for the answer after a save; _copy_from forgets it).
        self.current_writers = frozenset(writers)
        return revision

    def save_edit(
        self, *, author, heading: str, body: str, base_version: int, note: str = "", coauthors=()
    ) -> SaveResult:
        """Save an edit (heading and editor text) made on `base_version`; `coauthors` wrote it
        with `author` (a co-edited draft's typists): the revision's authors.

        If others saved since, their edits and this one are merged line by line; when they
        touch the same lines, EditConflict is raised and nothing is saved. The section row is
        locked while saving (PostgreSQL) and the update applies only at the version it read,
        so no save ever overwrites another unseen. A section deleted meanwhile raises
        SectionDeleted (nothing is saved).
        """
        heading = heading.strip() if self.level else ""
        result = SaveResult(changed=False, coauthors=list(coauthors))
        lock_plan = self.level == 1
        if self._claims_unread(author, heading, body, base_version, note, result):
            return self._published(author, result)
        for _attempt in range(50):
            with transaction.atomic():
                if lock_plan:
                    # A level-1 heading may be the plan's title, which a save also writes:
                    # take the plan's row first, as outline changes do, so that the two never
                    # wait for each other's rows in opposite orders (a deadlock).
                    Plan.objects.select_for_update().get(pk=self.plan_id)
                current = self.read_again(Section.all_objects.select_for_update())
                if current.level == 1 and not lock_plan:  # promoted meanwhile: start over
                    lock_plan = True
                    continue
                if current.deleted_at is not None:
                    raise SectionDeleted(
                        self.read_again(Section.all_objects.select_related("deleted_by"))
                    )
                if current.version != base_version:
                    base = current.revisions.filter(version=base_version).first()
                    merged = None
                    if base is not None:
                        merged = merge_edit(
                            (base.heading, editable_text(base.body)),
                            heading,
                            editable_text(current.frame_body(body)),
                            current.heading,
                            current.editable_body,
                        )
                    if merged is None:
                        current = self.read_again(Section.all_objects.select_related("updated_by"))
                        raise EditConflict(current, base)
                    heading, body = merged.heading, merged.body
                    result.merged_with.append((current.updated_by, current.version))
                    result.coauthors += current.authors_since(base_version)
                    base_version = current.version
                if self._apply(current, author, heading, body, base_version, note, result):
                    break
        else:
            raise EditConflict(self.read_again(Section.all_objects.select_related("updated_by")))
        return self._published(author, result)

    def _claims_unread(self, author, heading, body, base_version, note, result) -> bool:
        """The common save: this object, read for the request, is still at `base_version`
        and the edit changes it. One UPDATE … WHERE id = … AND version = base_version (and
        not deleted: Section.objects) writes it, in the same transaction as its revision and
        ledger entry, without reading the row again under a lock: every change of a
        section's text, heading or level takes a new version, so the row that UPDATE matches
        holds exactly the text this object read. False (nothing written) when someone saved
        or deleted it in between, for a level-1 heading (its save may retitle the plan, which
        takes the plan's lock first), or when there is nothing to save: the locked path
        then decides as before (merge, conflict, deleted, unchanged)."""
        if self.version != base_version or self.deleted_at is not None or self.level == 1:
            return False
        if heading == self.heading and self.frame_body(body) == self.body:
            return False
        with transaction.atomic():
            return self._apply(self, author, heading, body, base_version, note, result)

    def _published(self, author, result: SaveResult) -> SaveResult:
        if result.changed:
            # After the section's transaction: saves of different sections do not queue on
            # the plan's row lock.
            self.plan.touch()
            if result.references_changed:
                self.plan.refresh_references()
            section_published.send(
                sender=Section, section=self, from_version=self.version - 1, author=author
            )
        return result

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.__dict__.pop("current_writers", None)  # maybe another version's now
        super().refresh_from_db(*args, **kwargs)

    def read_again(self, sections=None) -> "Section":
        """This section as the database has it now, deleted or not (from `sections`, a queryset
        of sections, to lock it or read more), with the plan object this one already has."""
        fresh = (sections if sections is not None else Section.all_objects).get(pk=self.pk)
        fresh.plan = self.plan
        return fresh

    def _apply(self, current, author, heading, body, base_version, note, result) -> bool:
        """Write the edit over `current` (at `base_version`); False if another save won."""
        heading_changed = heading != current.heading
        heading_source = current.heading_source
        if heading_changed:
            heading_source = atx_heading(current.level, heading, self.plan.line_ending)
        new_body = current.frame_body(body)
        if not heading_changed and new_body == current.body:
            self._copy_from(current)
            return True
        if result.merged_with and not note:
            names = ", ".join(
                f"{user.username if user else 'someone'}'s version {version}"
                for user, version in result.merged_with
            )
            note = f"Merged with {names}"
        references = self.plan.references
        if text_references(new_body) != text_references(current.body):
            # The plan's definitions may change: this text is rendered with them as they will
            # be, the others after this transaction (save_edit).
            result.references_changed = True
            references = self.plan.references_with(self.pk, new_body)
        changed = {
            "heading": heading,
            "heading_source": heading_source,
            "body": new_body,
            "heading_html": render_heading(heading),
            "body_html": self.render_body(new_body, references),
            "placeholder_count": section_placeholder_count(
                heading, heading_source + new_body, self.plan.placeholder_syntaxes, references
            ),
            "updated_by": author,
            "updated_at": timezone.now(),
        }
        claimed = Section.objects.filter(pk=self.pk, version=base_version).update(
            version=base_version + 1, **changed
        )
        if not claimed:
            return False
        self._copy_from(current)
        for name, value in changed.items():
            setattr(self, name, value)
        self.version = base_version + 1
        self.record_revision(author, note, coauthors=result.coauthors)
        if heading_changed and self.is_title:
            Plan.objects.filter(pk=self.plan_id).update(title=heading)
        result.changed = True
        return True

    def _copy_from(self, other: "Section") -> None:
        self.__dict__.pop("current_writers", None)  # another version's writers
        for name in (
            "level",
            "heading",
            "heading_source",
            "body",
            "heading_html",
            "body_html",
            "version",
            "updated_at",
            "updated_by_id",
            "position",
        ):
            setattr(self, name, getattr(other, name))


class SectionRevision(models.Model):
    """Append-only history: one row per saved version of a section."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField()
    heading = models.TextField(blank=True)
    heading_source = models.TextField(blank=True)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Everyone who wrote this version (several when it merges concurrent edits); nobody for
    # text that came from a template or an import. `author` is who saved it.
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    note = models.CharField(
        max_length=NOTE_MAX,
        blank=True,
        help_text="How it came about: a template, an import, a merge, a restore, a resolution.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["section", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["section", "version"], name="revision_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.section} v{self.version}"

    @property
    def source(self) -> str:
        return self.heading_source + self.body

    @property
    def byline(self) -> str:
        """Who wrote it, as history shows it: “alice”, “alice and bob”, or where the text
        came from (“From template “Feature plan””) when nobody in the project wrote it."""
        names = sorted(user.username for user in self.authors.all())
        if names:
            return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        if self.author is not None:
            return self.author.username
        return self.note or "—"

    @property
    def how(self) -> str:
        """The note, unless it already stands as the byline (where the text came from)."""
        return "" if self.note == self.byline else self.note


class SignOffSlot(models.Model):
    """A named plan sign-off (“Security Review”), from the plan's Approvals section (made with
    the plan); the decisions on it are reviews.SignOff records."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="signoff_slots")
    name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reviews_signoffslot"  # created by the reviews app, kept when it moved
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="signoff_slot_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @transaction.atomic(savepoint=False)
    def assign(self, assignee, by) -> None:
        self.assignee, self.assigned_by, self.assigned_at = assignee, by, timezone.now()
        self.save(update_fields=["assignee", "assigned_by", "assigned_at"])
        audit.record_assignment(self, by)


def current_authors(sections) -> dict[int, frozenset]:
    """{section id: ids of the users who wrote its current version}, in one query; `sections`
    is a queryset of sections or a list of their ids."""
    authors = defaultdict(set)
    rows = SectionRevision.authors.through.objects.filter(
        sectionrevision__section__in=sections,
        sectionrevision__version=F("sectionrevision__section__version"),
    ).values_list("sectionrevision__section_id", "user_id")
    for section_id, user_id in rows:
        authors[section_id].add(user_id)
    return {section_id: frozenset(users) for section_id, users in authors.items()}


# The writers of one section's current version: asked by every approval (may they approve
# it?) and the answer to it; compiled once per process.
SECTION_WRITERS = CompiledQuery(
    lambda: SectionRevision.authors.through.objects.filter(
        sectionrevision__section_id=Param("section_id", BigIntegerField()),
        sectionrevision__version=F("sectionrevision__section__version"),
    ).values_list("user_id")
)


def section_writers(section_id: int) -> frozenset:
    """current_authors of one section: the ids of who wrote its current version."""
    return frozenset(user_id for (user_id,) in SECTION_WRITERS.rows(section_id=section_id))


class StructureAction(models.TextChoices):
    ADDED = "added", "added"
    MOVED_UP = "moved_up", "moved up"
    MOVED_DOWN = "moved_down", "moved down"
    PROMOTED = "promoted", "promoted"
    DEMOTED = "demoted", "demoted"
    DELETED = "deleted", "deleted"
    RESTORED = "restored", "restored"


class StructureChange(models.Model):
    """A change to a plan's outline (sections added, moved, re-levelled, deleted, restored)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="structure_changes")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=20, choices=StructureAction.choices)
    detail = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.section}"
