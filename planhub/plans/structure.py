"""Changes to a plan's outline: add, move, re-level, delete (recoverable) and restore sections.

Each runs with the plan row locked, so two people reordering at once queue instead of
interleaving, and each is recorded as a StructureChange for the plan's history.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Plan, Section, StructureAction, StructureChange
from .outline import atx_heading
from .rendering import render_heading


class StructureRefused(Exception):
    """The change does not make sense here; the message says why, for the user."""


def _locked(section: Section) -> Section:
    Plan.objects.select_for_update().get(pk=section.plan_id)
    fresh = Section.all_objects.select_related("plan__project").get(pk=section.pk)
    return fresh


def _record(section, action, author, detail="") -> None:
    StructureChange.objects.create(
        plan_id=section.plan_id, section=section, action=action, author=author, detail=detail
    )
    section.plan.touch()


@transaction.atomic
def add_section_after(section: Section, author, heading: str = "New section") -> Section:
    section = _locked(section)
    level = section.level if section.level >= 2 else 2
    line_ending = section.plan.line_ending
    Section.all_objects.filter(plan_id=section.plan_id, position__gt=section.position).update(
        position=F("position") + 1
    )
    new = Section.objects.create(
        plan_id=section.plan_id,
        position=section.position + 1,
        level=level,
        heading=heading,
        heading_source=atx_heading(level, heading, line_ending),
        body=line_ending,
        heading_html=render_heading(heading),
        body_html="",
        updated_by=author,
    )
    new.plan = section.plan
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
    Section.all_objects.filter(pk=section.pk).update(
        level=level,
        heading_source=atx_heading(level, section.heading, section.plan.line_ending),
        version=version,
        updated_by=author,
        updated_at=timezone.now(),
    )
    section.refresh_from_db()
    section.record_revision(
        author, note=f"Level {level} heading (was {level - (1 if deeper else -1)})"
    )
    action = StructureAction.DEMOTED if deeper else StructureAction.PROMOTED
    _record(section, action, author, f"to level {level}")


@transaction.atomic
def delete_section(section: Section, author) -> None:
    section = _locked(section)
    if section.deleted_at is None:
        Section.all_objects.filter(pk=section.pk).update(
            deleted_at=timezone.now(), deleted_by=author
        )
        _record(section, StructureAction.DELETED, author)


@transaction.atomic
def restore_section(section: Section, author) -> None:
    section = _locked(section)
    if section.deleted_at is not None:
        Section.all_objects.filter(pk=section.pk).update(deleted_at=None, deleted_by=None)
        _record(section, StructureAction.RESTORED, author)
