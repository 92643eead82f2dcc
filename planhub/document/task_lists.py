"""Task list items (`- [ ] thing`) in a section's Markdown, found as CommonMark sees them."""

import re

from markdown_it import MarkdownIt

from .sections import split_lines

CHECKBOX = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)\[([ xX])\]")
_parser = MarkdownIt("commonmark").disable("inline")  # blocks only: inline parsing is not needed


def task_lines(text: str) -> list[int]:
    """Line numbers (0-based) of the task items in `text`, in the order they are rendered."""
    tokens = _parser.parse(text)
    found = []
    for index, token in enumerate(tokens):
        if token.type != "list_item_open" or not token.map:
            continue
        inline = next((t for t in tokens[index + 1 : index + 3] if t.type == "inline"), None)
        if inline is not None and re.match(r"\[[ xX]\](\s|$)", inline.content):
            found.append(token.map[0])
    return found


def set_task(text: str, index: int, done: bool) -> str:
    """`text` with task item number `index` ticked (or unticked). IndexError if no such item."""
    lines = split_lines(text)
    number = task_lines(text)[index]
    line = lines[number]
    match = CHECKBOX.match(line)
    if match is None:
        raise IndexError(index)
    mark = "x" if done else " "
    lines[number] = line[: match.start(2)] + mark + line[match.end(2) :]
    return "".join(lines)


def task_label(text: str, index: int) -> str:
    """The text of task item number `index` (without its list marker and checkbox)."""
    line = split_lines(text)[task_lines(text)[index]]
    return CHECKBOX.sub("", line).strip()


def find_task(text: str, label: str) -> int | None:
    """The index of the task item whose text is `label` in `text`, if exactly one has it."""
    matches = [i for i in range(len(task_lines(text))) if task_label(text, i) == label]
    return matches[0] if len(matches) == 1 else None
