"""Task list items (`- [ ] thing`) in a section's Markdown, found as CommonMark sees them."""

import re

from markdown_it import MarkdownIt

from .outline import split_lines

CHECKBOX = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)\[([ xX])\]")
_parser = MarkdownIt("commonmark")


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
