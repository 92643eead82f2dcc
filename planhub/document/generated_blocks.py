"""Blocks PlanHub writes into an exported document (the sign-off table, review summaries),
fenced by HTML comment markers so that an import recognises them and drops them exactly.

`<!-- planhub:KIND -->` opens a block and `<!-- /planhub:KIND -->` plus one blank line closes
it. Where the text before a block did not end its line, the export had to add a line break:
the opening marker then says `+newline`, and stripping removes that break too. So
`strip_generated_blocks(with_block(text, …)) == text`, byte for byte.
"""

import re

BLOCK = re.compile(
    r"(?P<added>\r\n|\r|\n)?<!-- planhub:(?P<kind>[a-z]+)(?P<newline> \+newline)? -->"
    r"(?:\r\n|\r|\n).*?<!-- /planhub:(?P=kind) -->(?:\r\n|\r|\n){2}",
    re.DOTALL,
)


def generated_block(kind: str, content: str, text_before: str, line_ending: str = "\n") -> str:
    """The block to put right after `text_before` (whose line ending decides the marker)."""
    needs_break = bool(text_before) and not text_before.endswith(("\n", "\r"))
    opening = f"<!-- planhub:{kind}{' +newline' if needs_break else ''} -->"
    content = content.replace("\n", line_ending)
    if not content.endswith(line_ending):
        content += line_ending
    return (
        (line_ending if needs_break else "")
        + opening
        + line_ending
        + content
        + f"<!-- /planhub:{kind} -->"
        + line_ending * 2
    )


def strip_generated_blocks(text: str) -> str:
    """`text` without the blocks an export generated (and the line breaks it added)."""

    def remove(match: re.Match) -> str:
        # A line break before the block is the export's only when the marker says so.
        return match.group("added") if match.group("added") and not match.group("newline") else ""

    return BLOCK.sub(remove, text)
