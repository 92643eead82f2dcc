"""The whole-plan diff between two versions of a plan (or a version and the working copy):
which sections were added, removed, moved or changed, with word-level diffs of what changed.

Sections are matched by their identity (the working copy's section id, which a frozen version
keeps), never by heading: a renamed section is changed, not removed and added. A section is
*moved* when its place among the sections both sides share changed: those outside the longest
run the two orders have in common. Every section of either side is in the result exactly once.
Plain Python, no Django."""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .merging import word_diff

ADDED = "added"
REMOVED = "removed"
KEPT = "kept"


@dataclass(frozen=True)
class SectionText:
    """One section on one side: `key` its identity, the rest what a reader sees."""

    key: int
    level: int
    heading: str
    body: str


@dataclass
class SectionChange:
    kind: str  # ADDED, REMOVED or KEPT
    old: SectionText | None
    new: SectionText | None
    moved: bool = False
    heading_diff: list = field(default_factory=list)  # word_diff pieces, when changed
    body_diff: list = field(default_factory=list)

    @property
    def section(self) -> SectionText:
        return self.new if self.new is not None else self.old

    @property
    def changed(self) -> bool:
        """Kept, with a different heading, level or text."""
        return self.kind == KEPT and (self.old.heading, self.old.level, self.old.body) != (
            self.new.heading,
            self.new.level,
            self.new.body,
        )

    @property
    def level_changed(self) -> bool:
        return self.kind == KEPT and self.old.level != self.new.level

    @property
    def labels(self) -> list[str]:
        """What happened to it, as words: ["moved", "changed"], ["added"], [] if nothing."""
        if self.kind != KEPT:
            return [self.kind]
        return [label for label, flag in (("moved", self.moved), ("changed", self.changed)) if flag]


@dataclass
class PlanDiff:
    changes: list[SectionChange]

    def count(self, label: str) -> int:
        return sum(label in change.labels for change in self.changes)

    @property
    def summary(self) -> dict[str, int]:
        return {label: self.count(label) for label in ("added", "removed", "moved", "changed")}

    @property
    def identical(self) -> bool:
        return not any(change.labels for change in self.changes)


def diff_plans(old: list[SectionText], new: list[SectionText]) -> PlanDiff:
    """`old` → `new` (each in reading order), in the new order with each removed section where
    it stood in the old one (after the old section before it)."""
    old_by_key = {s.key: s for s in old}
    new_keys = {s.key for s in new}
    shared_old = [s.key for s in old if s.key in new_keys]
    shared_new = [s.key for s in new if s.key in old_by_key]
    matcher = SequenceMatcher(None, shared_old, shared_new, autojunk=False)
    in_place = set()
    for block in matcher.get_matching_blocks():
        in_place.update(shared_new[block.b : block.b + block.size])

    # Removed sections go after the nearest earlier old section that is still there.
    removed_after: dict[int | None, list[SectionText]] = {}
    anchor = None
    for section in old:
        if section.key in new_keys:
            anchor = section.key
        else:
            removed_after.setdefault(anchor, []).append(section)

    changes = [_removed(s) for s in removed_after.get(None, [])]
    for section in new:
        before = old_by_key.get(section.key)
        if before is None:
            changes.append(SectionChange(ADDED, None, section))
        else:
            changes.append(_kept(before, section, moved=section.key not in in_place))
        changes.extend(_removed(s) for s in removed_after.get(section.key, []))
    return PlanDiff(changes)


def _removed(section: SectionText) -> SectionChange:
    return SectionChange(REMOVED, section, None)


def _kept(old: SectionText, new: SectionText, *, moved: bool) -> SectionChange:
    change = SectionChange(KEPT, old, new, moved=moved)
    if old.heading != new.heading:
        change.heading_diff = word_diff(old.heading, new.heading)
    if old.body != new.body:
        change.body_diff = text_diff(old.body, new.body)
    return change


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """word_diff's pieces, found line by line first: only the lines that differ are compared
    word by word (a long text with one changed line costs one line's word diff)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    pieces: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            found = [("equal", "".join(a[i1:i2]))]
        elif tag == "replace" and i2 - i1 == j2 - j1:
            # As many lines replaced as replacing them: line by line (a run of long lines
            # compared at once makes the word matcher slow on their many common spaces).
            found = [p for x, y in zip(a[i1:i2], b[j1:j2], strict=True) for p in word_diff(x, y)]
        else:
            found = word_diff("".join(a[i1:i2]), "".join(b[j1:j2]))
        for op, text in found:
            if pieces and pieces[-1][0] == op:
                pieces[-1] = (op, pieces[-1][1] + text)
            elif text:
                pieces.append((op, text))
    return pieces
