"""Template placeholders: `[bracketed text]` that is not a link, footnote or checkbox.

Sign-off lines are not counted: the names and dates in an Approvals list
(“- **Security Review**: [Name/Role] — [Date]”) or a “**Reviewed By:** [Name]” line are filled
in by the plan's sign-offs, which PlanHub records itself (planhub/reviews/signoffs.py reads
the slots from the same lines)."""

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
        before = text[match.start() - 1] if match.start() > 0 else ""
        if before in "]!" and before:
            continue  # the second half of [text][ref], or an image
        if before.isalnum() or before == "_":
            continue  # code, not a blank: a mermaid node A[Invoice], an index items[0]
        found.append(name)
    return found


NEEDS_CLARIFICATION = re.compile(r"NEEDS CLARIFICATION")


def count_placeholders(text: str) -> int:
    """Unfilled spots: placeholders plus `NEEDS CLARIFICATION` marks outside brackets."""
    names = find_placeholders(text)
    inside = sum(len(NEEDS_CLARIFICATION.findall(name)) for name in names)
    return len(names) + len(NEEDS_CLARIFICATION.findall(text)) - inside


def placeholder_names(text: str) -> list[str]:
    """The spots left to fill in `text`, each once, as written: “[Owner]”, “NEEDS CLARIFICATION”."""
    names = [f"[{name}]" for name in find_placeholders(text)]
    if NEEDS_CLARIFICATION.search(text) and not any("NEEDS CLARIFICATION" in n for n in names):
        names.append("NEEDS CLARIFICATION")
    return list(dict.fromkeys(names))


# Sign-off lines (shared with planhub/reviews/signoffs.py, which reads slots from them).
APPROVALS_HEADING = re.compile(r"^\W*(approvals?|sign[- ]?offs?)\W*$", re.IGNORECASE)
LABELLED_ITEM = re.compile(r"^[ \t]*[-*+][ \t]+\*\*([^*\n]+?)\*\*[ \t]*:", re.MULTILINE)
SIGNATURE_LINE = re.compile(
    r"^\*\*(Reviewed By|Approved By|Approved|Signed[- ]off By):\*\*", re.MULTILINE | re.IGNORECASE
)
LABELLED_ITEM_LINE = re.compile(LABELLED_ITEM.pattern + r".*$", re.MULTILINE)
SIGNATURE_LINE_FULL = re.compile(SIGNATURE_LINE.pattern + r".*$", re.MULTILINE | re.IGNORECASE)


def without_signoff_lines(heading: str, text: str) -> str:
    """`text` (a section's) without the lines its sign-offs fill in."""
    text = SIGNATURE_LINE_FULL.sub("", text)
    if APPROVALS_HEADING.match(heading):
        text = LABELLED_ITEM_LINE.sub("", text)
    return text


def section_placeholder_count(heading: str, source: str) -> int:
    """The spots left to fill in a section (`source`: its heading line and text)."""
    return count_placeholders(without_signoff_lines(heading, source))


def section_placeholder_names(heading: str, source: str) -> list[str]:
    return placeholder_names(without_signoff_lines(heading, source))
