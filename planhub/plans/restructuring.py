"""Changes to a plan's outline: add, move, re-level, delete (recoverable) and restore sections.

Each runs with the plan row locked, then the section's row (the order every write of a
section's version takes: see Section.save_edit), so two people reordering at once queue instead
of interleaving, a save and an outline change of one section land one after the other, each as
its own version, and each change is recorded as a StructureChange for the plan's history.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from planhub.document.references import text_references
from planhub.document.rendering import render_heading
from planhub.document.sections import atx_heading
from planhub.lib.templatetags.display import ago

from . import audit
from .models import (
    EditConflict,
    Plan,
    SaveResult,
    Section,
    StructureAction,
    StructureChange,
)
from .signals import plan_restructured


class StructureRefused(Exception):
    """The change does not make sense here; the message says why, for the user."""


def deleted_notice(section: Section) -> str:
    """“bob deleted “Scope” 3 minutes ago.”, for a section `deleted_by` was read with."""
    who = section.deleted_by.username if section.deleted_by else "Someone"
    return f"{who} deleted “{section}” {ago(section.deleted_at)}."


def _locked(section: Section, *, live: bool = True) -> Section:
    """`section` read afresh, its plan's row and then its own row locked. A deleted section is
    refused unless `live` is False (restoring it)."""
    Plan.objects.select_for_update().get(pk=section.plan_id)
    fresh = (
        Section.all_objects.select_for_update(of=("self",))
        .select_related("plan__project", "deleted_by")
        .get(pk=section.pk)
    )
    if live and fresh.deleted_at is not None:
        raise StructureRefused(
            f"{deleted_notice(fresh)} Nothing was changed; restore it from the plan's history "
            "first if you need it."
        )
    return fresh


def _refresh_references(*sections: Section) -> None:
    """After sections moved, left or came back: the plan's merged reference-link definitions
    (and the sections using them) again, when one of them has definitions of its own."""
    if any(text_references(section.body) for section in sections):
        sections[0].plan.refresh_references()


def _record(section, action, author, detail="") -> None:
    change = StructureChange.objects.create(
        plan_id=section.plan_id, section=section, action=action, author=author, detail=detail
    )
    audit.record_structure(change, section)
    section.plan.touch()
    plan_restructured.send(sender=Plan, plan=section.plan, author=author)


@transaction.atomic
def add_section_after(section: Section, author, heading: str = "New section") -> Section:
    section = _locked(section)
    level = section.level if section.level >= 2 else 2
    line_ending = section.plan.line_ending
    Section.all_objects.filter(plan_id=section.plan_id, position__gt=section.position).update(
        position=F("position") + 1
    )
    new = Section.objects.create(
        plan=section.plan,
        position=section.position + 1,
        level=level,
        heading=heading,
        heading_source=atx_heading(level, heading, line_ending),
        body=line_ending,
        heading_html=render_heading(heading),
        body_html="",
        updated_by=author,
    )
    new.record_revision(author, note="Added")
    _record(new, StructureAction.ADDED, author, f"after “{section}”")
    return new


@transaction.atomic
def move(section: Section, author, *, up: bool) -> None:
    section = _locked(section)
    if section.level == 0:
        raise StructureRefused("The text before the first heading always comes first.")
    siblings = Section.objects.filter(plan_id=section.plan_id)
    if up:
        neighbour = siblings.filter(position__lt=section.position).order_by("-position").first()
    else:
        neighbour = siblings.filter(position__gt=section.position).order_by("position").first()
    if neighbour is None or neighbour.level == 0:
        where = "first" if up else "last"
        raise StructureRefused(f"“{section}” is already {where}.")
    section.position, neighbour.position = neighbour.position, section.position
    Section.all_objects.filter(pk=section.pk).update(position=section.position)
    Section.all_objects.filter(pk=neighbour.pk).update(position=neighbour.position)
    _refresh_references(section, neighbour)
    action = StructureAction.MOVED_UP if up else StructureAction.MOVED_DOWN
    _record(section, action, author, f"{'above' if up else 'below'} “{neighbour}”")


@transaction.atomic
def change_level(section: Section, author, *, deeper: bool) -> None:
    """Demote (## → ###) or promote a heading: a new version of the section."""
    section = _locked(section)
    if section.level == 0:
        raise StructureRefused("The text before the first heading has no heading to change.")
    level = section.level + (1 if deeper else -1)
    if not 1 <= level <= 6:
        raise StructureRefused(f"Headings go from level 1 to 6; “{section}” is at {section.level}.")
    version = section.version + 1
    # Version-checked (the row is locked, so this is the version just read): a save that
    # landed first is built on, never overwritten, and no version is written twice.
    updated = Section.all_objects.filter(pk=section.pk, version=section.version).update(
        level=level,
        heading_source=atx_heading(level, section.heading, section.plan.line_ending),
        version=version,
        updated_by=author,
        updated_at=timezone.now(),
    )
    if not updated:
        raise StructureRefused(f"“{section}” changed meanwhile; nothing was changed: try again.")
    section.refresh_from_db()
    section.record_revision(
        author, note=f"Level {level} heading (was {level - (1 if deeper else -1)})"
    )
    action = StructureAction.DEMOTED if deeper else StructureAction.PROMOTED
    _record(section, action, author, f"to level {level}")


@transaction.atomic
def delete_section(section: Section, author) -> None:
    section = _locked(section, live=False)
    if section.deleted_at is None:
        Section.all_objects.filter(pk=section.pk).update(
            deleted_at=timezone.now(), deleted_by=author
        )
        _refresh_references(section)
        _record(section, StructureAction.DELETED, author)


@transaction.atomic
def restore_section(section: Section, author) -> None:
    section = _locked(section, live=False)
    if section.deleted_at is not None:
        Section.all_objects.filter(pk=section.pk).update(deleted_at=None, deleted_by=None)
        _refresh_references(section)
        _record(section, StructureAction.RESTORED, author)


def restore_with_text(
    section: Section, author, *, heading: str, body: str, base_version: int
) -> tuple[Section, SaveResult]:
    """Bring a deleted section back at its place with the editor's text (made on
    `base_version`) as its next version, in one transaction.

    The text is merged with any version saved after `base_version`, as every save is. When
    the two touch the same lines the section is still restored and EditConflict is raised:
    the conflict view then opens on the live section, with the text kept.
    """
    conflict = None
    with transaction.atomic():
        restore_section(section, author)
        restored = Section.objects.select_related("plan__project").get(pk=section.pk)
        try:
            result = restored.save_edit(
                author=author,
                heading=heading,
                body=body,
                base_version=base_version,
                note="Restored after its deletion, with this text",
            )
        except EditConflict as error:
            conflict = error
    if conflict is not None:
        raise conflict
    return restored, result
