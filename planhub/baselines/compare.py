"""What the versions pages compare and mark: a side of a comparison (a frozen version or the
working copy) as plain section texts, and which working-copy sections changed since the latest
version (the plan page's "changed since v1.0")."""

from dataclasses import dataclass, field

from django.db.models import BigIntegerField, OuterRef, Subquery

from planhub.document.plan_diff import PlanDiff, SectionText, diff_plans
from planhub.lib.compiled_query import CompiledQuery, Param
from planhub.plans.models import Plan

from .models import FrozenSection, PlanVersion

WORKING = "working"


class BadSide(ValueError):
    """A comparison side that is not "working" nor a version of this plan; says why."""


@dataclass
class Side:
    token: str  # "working" or the version's id, as the form sends it
    label: str  # "working copy", "v1.0"
    version: PlanVersion | None
    sections: list[SectionText]


def working_sections(plan: Plan) -> list[SectionText]:
    rows = plan.sections.values_list("pk", "level", "heading", "body")
    return [SectionText(*row) for row in rows]


def version_sections(version: PlanVersion) -> list[SectionText]:
    rows = version.sections.values_list("section_id", "level", "heading", "body")
    return [SectionText(*row) for row in rows]


def side(plan: Plan, token: str, versions: dict[str, PlanVersion]) -> Side:
    """The side named `token` ("working" or a version id of this plan, from `versions`)."""
    token = (token or "").strip()
    if token == WORKING:
        return Side(WORKING, "working copy", None, working_sections(plan))
    if not token:
        raise BadSide("Choose a version or the working copy.")
    version = versions.get(token)
    if version is None:
        shown = token if len(token) <= 20 else token[:20] + "…"
        raise BadSide(f"“{shown}” is not a version of this plan: choose one from the list.")
    return Side(token, version.name, version, version_sections(version))


def compare(old: Side, new: Side) -> PlanDiff:
    return diff_plans(old.sections, new.sections)


@dataclass
class BaselineMarks:
    """The latest version of a plan and what changed in the working copy since: section ids
    changed (text, heading or level) and added; how many were removed or moved."""

    version: PlanVersion
    changed: set[int] = field(default_factory=set)
    added: set[int] = field(default_factory=set)
    removed: int = 0

    @property
    def name(self) -> str:
        return self.version.name

    def mark(self, section_id: int) -> str:
        """ "changed", "added" or "" for a working-copy section."""
        if section_id in self.added:
            return "added"
        return "changed" if section_id in self.changed else ""

    @property
    def any_change(self) -> bool:
        return bool(self.changed or self.added or self.removed)


def baseline_marks(plan: Plan, sections) -> BaselineMarks | None:
    """For the plan page: its latest version and the live `sections` (pk, version, level)
    compared with it by section version, in two queries (none when the plan has no version)."""
    version = PlanVersion.objects.latest_of(plan)
    if version is None:
        return None
    frozen = dict(version.sections.values_list("section_id", "section_version"))
    marks = BaselineMarks(version=version)
    for section in sections:
        if section.pk not in frozen:
            marks.added.add(section.pk)
        elif frozen[section.pk] != section.version:
            marks.changed.add(section.pk)
    live = {section.pk for section in sections}
    marks.removed = sum(1 for pk in frozen if pk not in live)
    return marks


def mark_sections(plan: Plan, sections) -> BaselineMarks | None:
    """`baseline_marks`, and each section's `baseline_mark` set: (mark, version name) with mark
    "changed", "added" or "" (the plan page's section and outline partials show it)."""
    marks = baseline_marks(plan, sections)
    for section in sections:
        section.baseline_mark = (marks.mark(section.pk), marks.name) if marks else None
    return marks


def _latest_version_of_section():
    frozen = FrozenSection.objects.filter(
        version=OuterRef("pk"), section_id=Param("section_id", BigIntegerField())
    )
    return (
        PlanVersion.objects.filter(plan_id=Param("plan_id", BigIntegerField()))
        .order_by("-frozen_at", "-pk")
        .annotate(frozen_version=Subquery(frozen.values("section_version")[:1]))
        .values_list("name", "frozen_version")[:1]
    )


# The plan's latest version and the section's version frozen in it (after every save and
# review): compiled once per process.
LATEST_VERSION_OF_SECTION = CompiledQuery(_latest_version_of_section)


def mark_section(section) -> None:
    """`section.baseline_mark` for a section shown alone (after a save or a review), as
    `mark_sections` sets it on the plan page: one query."""
    latest = LATEST_VERSION_OF_SECTION.row(section_id=section.pk, plan_id=section.plan_id)
    if latest is None:
        section.baseline_mark = None
        return
    name, frozen_version = latest
    if frozen_version is None:
        section.baseline_mark = ("added", name)
    else:
        section.baseline_mark = ("changed" if frozen_version != section.version else "", name)
