"""Where a document names its sign-offs: its Approvals section (“- **Security Review**:
[Name]”), or a “**Reviewed By:** / **Approved:**” block; otherwise one slot. Works on anything
with `pk`, `level`, `heading` and `body` (sections, or rows of their values)."""

import re

from .placeholders import (
    APPROVALS_HEADING,
    LABELLED_ITEM,
    LABELLED_ITEM_LINE,
    SIGNATURE_LINE,
    SIGNATURE_LINE_FULL,
)

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


def signoff_placement(sections) -> tuple[int | None, bool]:
    """(id of the section that shows the live sign-off table, whether the table replaces its
    text). The table replaces the text when that text is only the slot list (placeholders)."""
    section, _ = find_signoff_block(sections)
    if section is None:
        return None, False
    rest = LABELLED_ITEM_LINE.sub("", SIGNATURE_LINE_FULL.sub("", section.body))
    only_slots = not re.sub(r"(?m)^\s*(?:-{3,}|\*{3,}|_{3,})?\s*$", "", rest).strip()
    return section.pk, only_slots


def signoff_names(sections) -> list[str]:
    """The sign-off slots a plan made of `sections` starts with, in order."""
    return find_signoff_block(sections)[1]
