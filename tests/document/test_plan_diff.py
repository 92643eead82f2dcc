"""The whole-plan diff: added, removed, moved and changed sections, word-level diffs; every
section of either side accounted for exactly once, and the diff takes one side to the other."""

from hypothesis import given
from hypothesis import strategies as st

from planhub.document.plan_diff import ADDED, KEPT, REMOVED, SectionText, diff_plans


def s(key, heading, body="text\n", level=2):
    return SectionText(key, level, heading, body)


def test_nothing_changed():
    sides = [s(1, "Plan", level=1), s(2, "Scope"), s(3, "Risks")]
    diff = diff_plans(sides, list(sides))
    assert diff.identical
    assert diff.summary == {"added": 0, "removed": 0, "moved": 0, "changed": 0}
    assert [c.labels for c in diff.changes] == [[], [], []]


def test_added_removed_moved_changed():
    old = [s(1, "Plan", level=1), s(2, "Scope"), s(3, "Risks"), s(4, "Rollout"), s(5, "Costs")]
    new = [
        s(1, "Plan", level=1),
        s(4, "Rollout"),  # moved up
        s(2, "Scope", "more text\n"),  # changed
        s(6, "Budget"),  # added
        s(5, "Costs and savings"),  # renamed
    ]
    diff = diff_plans(old, new)
    labels = [(c.section.heading, c.labels) for c in diff.changes]
    assert labels == [
        ("Plan", []),
        ("Rollout", ["moved"]),
        ("Scope", ["changed"]),
        ("Risks", ["removed"]),  # where it stood: after Scope
        ("Budget", ["added"]),
        ("Costs and savings", ["changed"]),
    ]
    assert diff.summary == {"added": 1, "removed": 1, "moved": 1, "changed": 2}
    scope = diff.changes[2]
    assert scope.body_diff == [("insert", "more "), ("equal", "text\n")]
    costs = diff.changes[5]
    assert costs.heading_diff == [("equal", "Costs"), ("insert", " and savings")]


def test_a_level_change_is_a_change():
    diff = diff_plans([s(1, "A", level=2)], [s(1, "A", level=3)])
    [change] = diff.changes
    assert change.labels == ["changed"]
    assert change.level_changed


def test_removed_first_section_comes_first():
    diff = diff_plans([s(1, "Gone"), s(2, "Kept")], [s(2, "Kept")])
    assert [(c.section.heading, c.kind) for c in diff.changes] == [
        ("Gone", REMOVED),
        ("Kept", KEPT),
    ]


def test_against_an_empty_side():
    sections = [s(1, "A"), s(2, "B")]
    assert [c.kind for c in diff_plans([], sections).changes] == [ADDED, ADDED]
    assert [c.kind for c in diff_plans(sections, []).changes] == [REMOVED, REMOVED]


words = st.text(alphabet="ab \n#-", max_size=12)


@st.composite
def two_sides(draw):
    """Two versions of a plan: sections kept (maybe reordered, maybe edited), removed, added."""
    keys = draw(st.lists(st.integers(1, 30), unique=True, max_size=10))
    old = [SectionText(k, draw(st.integers(0, 3)), draw(words), draw(words)) for k in keys]
    kept = [sec for sec in old if draw(st.booleans())]
    kept = draw(st.permutations(kept))
    edited = [
        SectionText(sec.key, sec.level, draw(words), sec.body) if draw(st.booleans()) else sec
        for sec in kept
    ]
    added_keys = draw(st.lists(st.integers(31, 60), unique=True, max_size=5))
    new = list(edited)
    for key in added_keys:
        at = draw(st.integers(0, len(new)))
        new.insert(at, SectionText(key, 2, draw(words), draw(words)))
    return old, new


def _apply(pieces, side):
    """Text from word_diff pieces: the old side (equal + delete) or the new (equal + insert)."""
    keep = {"equal", "delete" if side == "old" else "insert"}
    return "".join(text for op, text in pieces if op in keep)


@given(two_sides())
def test_every_section_is_accounted_for_once_and_the_diff_reproduces_both_sides(sides):
    old, new = sides
    diff = diff_plans(old, new)
    # Each section of either side exactly once.
    assert sorted(c.old.key for c in diff.changes if c.old) == sorted(x.key for x in old)
    assert sorted(c.new.key for c in diff.changes if c.new) == sorted(x.key for x in new)
    assert len(diff.changes) == len({x.key for x in old} | {x.key for x in new})
    # Reading the diff's new side in order gives the target; its old side, the source's text.
    assert [c.new for c in diff.changes if c.kind != REMOVED] == new
    old_by_key = {x.key: x for x in old}
    for change in diff.changes:
        if change.kind != KEPT:
            continue
        assert change.old == old_by_key[change.new.key]
        if change.body_diff:
            assert _apply(change.body_diff, "old") == change.old.body
            assert _apply(change.body_diff, "new") == change.new.body
        else:
            assert change.old.body == change.new.body
        if change.heading_diff:
            assert _apply(change.heading_diff, "new") == change.new.heading
        else:
            assert change.old.heading == change.new.heading
    # Nothing moved when the shared sections keep their order; then reading the diff's old
    # side in order gives the source, removed sections where they stood.
    shared_old = [x.key for x in old if x.key in {y.key for y in new}]
    shared_new = [y.key for y in new if y.key in old_by_key]
    if shared_old == shared_new:
        assert diff.count("moved") == 0
        assert [c.old for c in diff.changes if c.kind != ADDED] == old
    else:
        assert diff.count("moved") > 0


@given(st.text(alphabet="ab \n.", max_size=60), st.text(alphabet="ab \n.", max_size=60))
def test_text_diff_takes_one_text_to_the_other(old, new):
    from planhub.document.plan_diff import text_diff

    pieces = text_diff(old, new)
    assert _apply(pieces, "old") == old
    assert _apply(pieces, "new") == new
    assert all(text for _, text in pieces)
    assert all(a[0] != b[0] for a, b in zip(pieces, pieces[1:], strict=False))  # joined


def test_text_diff_of_a_long_text_with_one_changed_line_is_quick():
    import time

    from planhub.document.plan_diff import text_diff

    lines = [f"Line {i}: some words here and there, and again.\n" for i in range(2000)]
    changed = list(lines)
    changed[1000] = "Line 1000: other words here and there, and again.\n"
    started = time.perf_counter()
    pieces = text_diff("".join(lines), "".join(changed))
    assert time.perf_counter() - started < 1.0
    assert [text for op, text in pieces if op != "equal"] == ["some", "other"]
