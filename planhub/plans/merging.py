"""Three-way merge of concurrent section edits (merge3, the line merge Breezy uses).

Edits to different lines merge; edits that touch the same lines (or lines next to each
other) conflict, and the user resolves them in the conflict view.
"""

from dataclasses import dataclass

from merge3 import Merge3


def _lines(text: str) -> list[str]:
    # Every line ends with \n here, so a change to the last line is not a spurious conflict.
    return [line + "\n" for line in text.split("\n")]


def merge_text(base: str, mine: str, theirs: str) -> str | None:
    """The merge of two edits of `base` (texts with \\n line endings), or None on a conflict."""
    if mine == theirs or theirs == base:
        return mine
    if mine == base:
        return theirs
    merger = Merge3(_lines(base), _lines(mine), _lines(theirs))
    if any(region[0] == "conflict" for region in merger.merge_regions()):
        return None
    return "".join(merger.merge_lines())[:-1]  # drop the \n _lines added to the last line


def merge_heading(base: str, mine: str, theirs: str) -> str | None:
    if mine == theirs or theirs == base:
        return mine
    if mine == base:
        return theirs
    return None


@dataclass(frozen=True)
class Merged:
    heading: str
    body: str


def merge_edit(base, mine_heading, mine_body, theirs_heading, theirs_body) -> Merged | None:
    """Merge my edit and theirs, both made on `base` (heading, body); None when they clash."""
    heading = merge_heading(base[0], mine_heading, theirs_heading)
    body = merge_text(base[1], mine_body, theirs_body)
    if heading is None or body is None:
        return None
    return Merged(heading, body)


def side_by_side(theirs: str, mine: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Both texts as (kind, line) rows, kind "same" or "changed", for a side-by-side view."""
    from difflib import SequenceMatcher

    their_lines, my_lines = theirs.split("\n"), mine.split("\n")
    left, right = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, their_lines, my_lines).get_opcodes():
        kind = "same" if tag == "equal" else "changed"
        left += [(kind, line) for line in their_lines[i1:i2]]
        right += [(kind, line) for line in my_lines[j1:j2]]
    return left, right
