"""Three-way merge of concurrent section edits (merge3, the line merge Breezy uses).

Edits to different lines merge; edits that touch the same lines (or lines next to each
other) conflict, and the user resolves them in the conflict view.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

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


def merge_heading(base: str | None, mine: str, theirs: str) -> str | None:
    """The merged heading, or None when both changed it differently (or, without a base,
    when they differ)."""
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
    their_lines, my_lines = theirs.split("\n"), mine.split("\n")
    left, right = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, their_lines, my_lines).get_opcodes():
        kind = "same" if tag == "equal" else "changed"
        left += [(kind, line) for line in their_lines[i1:i2]]
        right += [(kind, line) for line in my_lines[j1:j2]]
    return left, right


# The conflict view: the merge with every clean change applied, each clash a marked hunk.

MINE_MARKER = "<<<<<<< your text"
SEPARATOR = "======="
THEIRS_MARKER = ">>>>>>> "  # followed by whose version it is

CHOICES = ("mine", "theirs", "mine_first", "theirs_first")


def split_lines(text: str) -> list[str]:
    """`text` as lines, whatever its line endings (an empty text is one empty line)."""
    return re.sub(r"\r\n|\r", "\n", text).split("\n")


@dataclass(frozen=True)
class Hunk:
    """Lines both sides changed differently: my lines, theirs, and the base they replace."""

    mine: tuple[str, ...]
    theirs: tuple[str, ...]
    base: tuple[str, ...] | None = field(default=None, compare=False)
    label: str = field(default="their version", compare=False)

    def resolve(self, choice: str) -> tuple[str, ...]:
        return {
            "mine": self.mine,
            "theirs": self.theirs,
            "mine_first": self.mine + self.theirs,
            "theirs_first": self.theirs + self.mine,
        }[choice]

    def marker_lines(self) -> tuple[str, ...]:
        return (MINE_MARKER, *self.mine, SEPARATOR, *self.theirs, THEIRS_MARKER + self.label)

    @property
    def marked(self) -> str:
        """The hunk as it stands in the editor's text, markers included."""
        return "\n".join(self.marker_lines())

    def resolved_text(self, choice: str) -> str:
        return "\n".join(self.resolve(choice))

    @property
    def mine_text(self) -> str:
        return "\n".join(self.mine)

    @property
    def theirs_text(self) -> str:
        return "\n".join(self.theirs)

    def pieces(self, side: str) -> list[tuple[str, str]]:
        """My or their lines, the words the other side does not have marked."""
        if side == "mine":
            return word_marks(self.mine_text, self.theirs_text)
        return word_marks(self.theirs_text, self.mine_text)

    @property
    def mine_pieces(self) -> list[tuple[str, str]]:
        return self.pieces("mine")

    @property
    def theirs_pieces(self) -> list[tuple[str, str]]:
        return self.pieces("theirs")


Chunk = tuple[str, ...] | Hunk  # resolved lines, or a hunk still to choose


@dataclass(frozen=True)
class Proposal:
    """The merge as ordered chunks; adjacent resolved lines are always one chunk."""

    chunks: tuple[Chunk, ...]

    @property
    def hunks(self) -> list[Hunk]:
        return [chunk for chunk in self.chunks if isinstance(chunk, Hunk)]

    def lines(self, choices: dict[int, str] | str | None = None) -> list[str]:
        """The text's lines: hunk n resolved with choices[n] (one choice for all when a
        string), markers kept for a hunk without a choice."""
        result: list[str] = []
        number = 0
        for chunk in self.chunks:
            if not isinstance(chunk, Hunk):
                result += chunk
                continue
            choice = choices if isinstance(choices, str) else (choices or {}).get(number)
            result += chunk.resolve(choice) if choice else chunk.marker_lines()
            number += 1
        return result

    def text(self, choices: dict[int, str] | str | None = None) -> str:
        return "\n".join(self.lines(choices))


def _proposal(chunks: list[Chunk]) -> Proposal:
    merged: list[Chunk] = []
    for chunk in chunks:
        if isinstance(chunk, Hunk):
            merged.append(chunk)
        elif chunk and merged and not isinstance(merged[-1], Hunk):
            merged[-1] = merged[-1] + chunk
        elif chunk:
            merged.append(chunk)
    return Proposal(tuple(merged))


def propose_merge(
    base: str | None, mine: str, theirs: str, label: str = "their version"
) -> Proposal:
    """What the conflict view proposes: every change of either side that does not clash
    applied (as merge_text would), each clash a Hunk. Without a base (its revision is gone)
    the whole text is one hunk, unless both texts are the same."""
    base_lines, my_lines, their_lines = (
        None if base is None else split_lines(base),
        split_lines(mine),
        split_lines(theirs),
    )
    if my_lines == their_lines or their_lines == base_lines:
        return _proposal([tuple(my_lines)])
    if my_lines == base_lines:
        return _proposal([tuple(their_lines)])
    if base_lines is None:
        return _proposal([Hunk(tuple(my_lines), tuple(their_lines), None, label)])
    chunks: list[Chunk] = []
    for region in Merge3(base_lines, my_lines, their_lines).merge_regions():
        kind = region[0]
        if kind == "unchanged":
            chunks.append(tuple(base_lines[region[1] : region[2]]))
        elif kind in ("a", "same"):
            chunks.append(tuple(my_lines[region[1] : region[2]]))
        elif kind == "b":
            chunks.append(tuple(their_lines[region[1] : region[2]]))
        else:
            z1, z2, a1, a2, b1, b2 = region[1:]
            chunks.append(
                Hunk(
                    tuple(my_lines[a1:a2]),
                    tuple(their_lines[b1:b2]),
                    tuple(base_lines[z1:z2]),
                    label,
                )
            )
    return _proposal(chunks)


def parse_markers(text: str) -> Proposal:
    """The editor's text read back into chunks: each complete marker block (see Hunk.marked)
    a hunk, everything else resolved lines, kept exactly."""
    chunks: list[Chunk] = []
    plain: list[str] = []
    block: list[str] | None = None  # the lines of an open block, markers included
    separator = -1
    for line in split_lines(text):
        if line == MINE_MARKER:
            plain += block or []  # an unclosed block before is text, not a hunk
            block, separator = [line], -1
        elif block is None:
            plain.append(line)
        elif line == SEPARATOR and separator < 0:
            separator = len(block)
            block.append(line)
        elif line.startswith(THEIRS_MARKER) and separator >= 0:
            chunks += [
                tuple(plain),
                Hunk(
                    tuple(block[1:separator]),
                    tuple(block[separator + 1 :]),
                    None,
                    line[len(THEIRS_MARKER) :],
                ),
            ]
            plain, block = [], None
        else:
            block.append(line)
    chunks.append(tuple(plain + (block or [])))
    return _proposal(chunks)


def unresolved_hunks(text: str) -> int:
    """How many conflict hunks are still marked in `text`."""
    return len(parse_markers(text).hunks)


# Word-level highlighting, for the conflict view and the diff views.

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
_MAX_TOKENS = 4000  # beyond this the quadratic matcher is too slow: mark the whole text


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """`old` → `new` as (op, text) pieces, op "equal", "delete" or "insert", in reading order
    (a replaced run: its deletion, then its insertion). Words, spaces and punctuation are the
    units compared."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(a) + len(b) > _MAX_TOKENS:
        found = [("replace", 0, len(a), 0, len(b))]
    else:
        found = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # Changes apart only by spaces are one change: "[ship on Friday]", not three.
    opcodes: list[tuple[str, int, int, int, int]] = []
    for opcode in found:
        if opcode[0] != "equal" and len(opcodes) > 1 and opcodes[-2][0] != "equal":
            gap = opcodes[-1]
            if gap[0] == "equal" and all(token.isspace() for token in a[gap[1] : gap[2]]):
                opcodes.pop()
        if opcode[0] != "equal" and opcodes and opcodes[-1][0] != "equal":
            first = opcodes.pop()
            opcode = ("replace", first[1], opcode[2], first[3], opcode[4])
        opcodes.append(opcode)
    pieces: list[tuple[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if pieces and pieces[-1][0] == op:
            pieces[-1] = (op, pieces[-1][1] + text)
        else:
            pieces.append((op, text))

    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            add("equal", "".join(a[i1:i2]))
        else:
            add("delete", "".join(a[i1:i2]))
            add("insert", "".join(b[j1:j2]))
    return pieces


def word_diff_side(old: str, new: str, side: str) -> list[tuple[str, str]]:
    """One side of word_diff: "old" keeps equal and deleted pieces, "new" equal and inserted."""
    return _without(word_diff(old, new), "insert" if side == "old" else "delete")


def _visible(text: str) -> int:
    return len("".join(text.split()))


def _paired(old: str, new: str) -> tuple[list, list]:
    """A removed line and the added line in its place, the changed words marked, unless
    the two have little in common (then the whole lines say it)."""
    pieces = word_diff(old, new)
    common = sum(_visible(text) for op, text in pieces if op == "equal")
    if common * 2 < max(_visible(old), _visible(new)):
        return [("equal", old)], [("equal", new)]
    return _without(pieces, "insert"), _without(pieces, "delete")


def _without(pieces: list[tuple[str, str]], op: str) -> list[tuple[str, str]]:
    """`pieces` without those of `op`, the equal pieces that then touch joined."""
    kept: list[tuple[str, str]] = []
    for piece in pieces:
        if piece[0] == op:
            continue
        if kept and kept[-1][0] == piece[0]:
            kept[-1] = (piece[0], kept[-1][1] + piece[1])
        else:
            kept.append(piece)
    return kept


def word_marks(text: str, other: str) -> list[tuple[str, str]]:
    """`text` with the words that `other` does not have marked as inserted; unmarked when
    longer texts have little in common (every word marked would say nothing)."""
    pieces = word_diff_side(other, text, "new")

    common = sum(_visible(piece) for op, piece in pieces if op == "equal")
    if _visible(text) > 40 and common * 2 < _visible(text):
        return [("equal", text)]
    return pieces


def highlight_unified(lines: list[str]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Unified diff lines (without the ---/+++ header) as (kind, sign, pieces) rows: kind
    "same", "added", "removed" or "hunk"; a run of removed lines followed by added ones is
    paired line by line and the changed words marked."""
    rows: list[tuple[str, str, list[tuple[str, str]]]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line[:1] == "-":
            removed = []
            while i < len(lines) and lines[i][:1] == "-":
                removed.append(lines[i][1:])
                i += 1
            added = []
            while i < len(lines) and lines[i][:1] == "+":
                added.append(lines[i][1:])
                i += 1
            pairs = [_paired(old, new) for old, new in zip(removed, added, strict=False)]
            for n, old in enumerate(removed):
                rows.append(("removed", "-", pairs[n][0] if n < len(pairs) else [("equal", old)]))
            for n, new in enumerate(added):
                rows.append(("added", "+", pairs[n][1] if n < len(pairs) else [("equal", new)]))
            continue
        kind = {"+": "added", "@": "hunk"}.get(line[:1], "same")
        sign = line[:1] if kind in ("added", "same") and line[:1] in "+ " else ""
        rows.append((kind, sign, [("equal", line[len(sign) :])]))
        i += 1
    return rows
