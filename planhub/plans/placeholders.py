"""Template placeholders: `[bracketed text]` that is not a link, footnote or checkbox."""

import re

BRACKETED = re.compile(r"\[([^\[\]\n]+)\](?![(\[:])")
CHECKBOX_PREFIX = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+$")
FOOTNOTE = re.compile(r"^\^")


def find_placeholders(text: str) -> list[str]:
    """The placeholder names in `text`, in order (with repeats)."""
    found = []
    for match in BRACKETED.finditer(text):
        name = match.group(1)
        if FOOTNOTE.match(name):
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        if name in {" ", "x", "X"} and CHECKBOX_PREFIX.match(text[line_start : match.start()]):
            continue
        if match.start() > 0 and text[match.start() - 1] in "]!":
            continue  # the second half of [text][ref], or an image
        found.append(name)
    return found


NEEDS_CLARIFICATION = re.compile(r"NEEDS CLARIFICATION")


def count_placeholders(text: str) -> int:
    """Unfilled spots: placeholders plus `NEEDS CLARIFICATION` marks outside brackets."""
    names = find_placeholders(text)
    inside = sum(len(NEEDS_CLARIFICATION.findall(name)) for name in names)
    return len(names) + len(NEEDS_CLARIFICATION.findall(text)) - inside
