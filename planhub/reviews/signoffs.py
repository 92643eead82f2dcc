"""Sign-off slots come from the plan's own text: its Approvals section (“- **Security
Review**: [Name]”), or a “**Reviewed By:** / **Approved:**” block; otherwise one slot."""

import re

from django.db.models import Q

from planhub.plans.placeholders import (
    APPROVALS_HEADING,
    LABELLED_ITEM,
    LABELLED_ITEM_LINE,
    SIGNATURE_LINE,
    SIGNATURE_LINE_FULL,
)

from .models import SignOffSlot

DEFAULT_SLOT = "Plan approval"


def find_signoff_block(sections) -> tuple[object | None, list[str]]:
    """(the section that names the sign-offs, their names); (None, [DEFAULT_SLOT]) if none."""
    section, names = find_approvals_list(sections)
    if section is not None:
        return section, names
    for section in sections:
        names = SIGNATURE_LINE.findall(section.body)
        if names:
            return section, list(dict.fromkeys(name.strip() for name in names))
    return None, [DEFAULT_SLOT]


def find_approvals_list(sections) -> tuple[object | None, list[str]]:
    """The first section headed like an approvals list that names sign-offs, and the names."""
    for section in sections:
        if section.level and APPROVALS_HEADING.match(section.heading):
            names = LABELLED_ITEM.findall(section.body)
            if names:
                return section, list(dict.fromkeys(name.strip() for name in names))
    return None, []


def create_signoff_slots(plan, **kwargs) -> None:
    _, names = find_signoff_block(plan.sections.all())
    SignOffSlot.objects.bulk_create(
        SignOffSlot(plan=plan, name=name[:200], position=index) for index, name in enumerate(names)
    )


def signoff_placement(sections) -> tuple[int | None, bool]:
    """(id of the section that shows the live sign-off table, whether the table replaces its
    text). The table replaces the text when that text is only the slot list (placeholders)."""
    section, _ = find_signoff_block(sections)
    if section is None:
        return None, False
    rest = LABELLED_ITEM_LINE.sub("", SIGNATURE_LINE_FULL.sub("", section.body))
    only_slots = not re.sub(r"(?m)^\s*(?:-{3,}|\*{3,}|_{3,})?\s*$", "", rest).strip()
    return section.pk, only_slots


# Lower-case text every match of APPROVALS_HEADING / SIGNATURE_LINE contains.
HEADING_WORDS = ("approval", "sign")
SIGNATURE_WORDS = (
    "reviewed by:**",
    "approved by:**",
    "approved:**",
    "signed-off by:**",
    "signed off by:**",
)


def signoff_placement_in(sections) -> tuple[int | None, bool]:
    """signoff_placement for a queryset of a plan's sections, reading as little text as it can
    (a save asks after every edit): the sections headed like an approvals list first, then,
    only if none of those lists sign-offs, the texts that may hold signature lines."""
    section, _ = find_approvals_list(sections.filter(_approvals_headed()))
    if section is not None:
        return signoff_placement([section])
    return signoff_placement(signoff_candidates(sections))


def _approvals_headed() -> Q:
    return Q(level__gt=0) & _any_word("heading", HEADING_WORDS)


def _any_word(field: str, words) -> Q:
    query = Q()
    for word in words:
        query |= Q(**{f"{field}__icontains": word})
    return query


def signoff_candidates(sections):
    """The sections of a queryset that may hold the sign-off list, filtered in SQL so a save
    need not read every section's text; the regular expressions above then decide."""
    return sections.filter(_approvals_headed() | _any_word("body", SIGNATURE_WORDS))
