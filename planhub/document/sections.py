"""Split a Markdown document into sections, and join them back byte for byte.

Headings are found with a CommonMark tokenizer (markdown-it-py), so a `#` line inside a fenced
code block or an HTML comment is not a heading. Only top-level headings start a section: one
inside a block quote or a list item stays part of its section's body. YAML front matter at the
very top is part of the text before the first heading, never a heading.
"""

import re
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt

LINE_WITH_ENDING = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
FRONT_MATTER_OPEN = re.compile(r"---[ \t]*(?:\r\n|\r|\n)")
FRONT_MATTER_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n)?")


@dataclass(frozen=True)
class ParsedSection:
    level: int  # 0 for the text before the first heading, else 1-6
    heading: str  # the heading's inline text, "" for level 0
    heading_source: str  # the heading's exact source lines, line endings included
    body: str  # the exact source after the heading, up to the next heading

    @property
    def source(self) -> str:
        return self.heading_source + self.body


@cache
def _tokenizer() -> MarkdownIt:
    # Only blocks matter here; inline parsing (links, emphasis) is skipped, as it is the slow part.
    return MarkdownIt("commonmark").disable("inline")


def split_lines(text: str) -> list[str]:
    """Lines with their own endings (\\n, \\r\\n or \\r), as CommonMark counts them."""
    return LINE_WITH_ENDING.findall(text)


def front_matter_line_count(lines: list[str]) -> int:
    """How many leading lines are YAML front matter (0 when there is none)."""
    if not lines or not FRONT_MATTER_OPEN.fullmatch(lines[0]):
        return 0
    for index, line in enumerate(lines[1:], start=1):
        if FRONT_MATTER_CLOSE.fullmatch(line):
            return index + 1
    return 0


def split_sections(text: str) -> list[ParsedSection]:
    """The document as sections; joining their `source`s gives back `text` exactly."""
    lines = split_lines(text)
    skip = front_matter_line_count(lines)
    tokens = _tokenizer().parse("".join(lines[skip:]))
    headings = []  # (first line, line after the heading, level, inline text)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.map:
            start, end = token.map
            headings.append(
                (start + skip, end + skip, int(token.tag[1]), tokens[index + 1].content)
            )

    sections = []
    first_heading_line = headings[0][0] if headings else len(lines)
    if first_heading_line > 0:
        sections.append(ParsedSection(0, "", "", "".join(lines[:first_heading_line])))
    for position, (start, end, level, heading) in enumerate(headings):
        next_start = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        sections.append(
            ParsedSection(
                level=level,
                heading=heading,
                heading_source="".join(lines[start:end]),
                body="".join(lines[end:next_start]),
            )
        )
    return sections


def detect_line_ending(text: str) -> str:
    """The document's line ending: the first one it uses, \\n when it has none."""
    match = re.search(r"\r\n|\r|\n", text)
    return match.group(0) if match else "\n"


def join_sources(sources: list[str]) -> str:
    """Concatenate section sources, adding a line break where one part does not end a line.

    Sources split from a document always end their lines, so this reproduces the document;
    the break only matters after an edit that removed a section's final newline.
    """
    out: list[str] = []
    for source in sources:
        if not source:
            continue
        if out and not out[-1].endswith(("\n", "\r")):
            out.append(detect_line_ending(out[-1] + source))
        out.append(source)
    return "".join(out)


# A heading's text ending in a run of #s (alone or after a space) would be read back as the
# ATX closing sequence and dropped; its first # is escaped instead ("C #" -> "C \#").
CLOSING_SEQUENCE = re.compile(r"(^|[ \t])(#+[ \t]*)$")


def atx_heading(level: int, text: str, line_ending: str = "\n") -> str:
    text = CLOSING_SEQUENCE.sub(lambda match: f"{match.group(1)}\\{match.group(2)}", text)
    return f"{'#' * level} {text}{line_ending}"


def retitle(text: str, title: str) -> str:
    """`text` with its first H1 replaced by `title` (unchanged when it has no H1)."""
    parts = split_sections(text)
    for index, part in enumerate(parts):
        if part.level == 1:
            if part.heading == title:
                return text
            heading_source = atx_heading(1, title, detect_line_ending(text))
            parts[index] = ParsedSection(1, title, heading_source, part.body)
            return join_sources([p.source for p in parts])
    return text
