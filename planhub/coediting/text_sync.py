"""Turning a Y.Text into a given string with as few inserts and deletes as a line diff finds,
so that concurrent typing elsewhere in the text survives (a whole-text replace would move it).

pycrdt addresses a Text in UTF-8 bytes (yrs' default offset kind), not in Python characters:
every offset here is a byte offset."""

from difflib import SequenceMatcher

from pycrdt import Text


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str, limit: int) -> int:
    i = 0
    while i < limit and a[-1 - i] == b[-1 - i]:
        i += 1
    return i


def edits(old: str, new: str) -> list[tuple[int, int, str]]:
    """(offset, characters to delete, text to insert) in characters of `old`, last first, that
    turn `old` into `new`: a line diff, each changed run of lines narrowed to the characters that
    differ."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    result = []
    offset = 0
    starts = [0]
    for line in old_lines:
        offset += len(line)
        starts.append(offset)
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a, b = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        head = _common_prefix(a, b)
        tail = _common_suffix(a, b, min(len(a), len(b)) - head)
        result.append((starts[i1] + head, len(a) - head - tail, b[head : len(b) - tail]))
    return result[::-1]


def apply_text(text: Text, new: str) -> None:
    """Make `text` read `new` (in the caller's transaction when there is one)."""
    old = str(text)
    if old == new:
        return
    for start, length, insert in edits(old, new):
        # Characters before `start` are the same in every later (earlier-placed) edit: the
        # edits run last first, so offsets into `old` stay valid.
        byte_start = len(old[:start].encode())
        byte_length = len(old[start : start + length].encode())
        if byte_length:
            del text[byte_start : byte_start + byte_length]
        if insert:
            text.insert(byte_start, insert)
