"""Three-way merge of concurrent edits."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from merge3 import Merge3

from planhub.document.merging import (
    CHOICES,
    Hunk,
    highlight_unified,
    merge_edit,
    merge_heading,
    merge_text,
    parse_markers,
    propose_merge,
    side_by_side,
    split_lines,
    word_diff,
)

BASE = "intro\n\n- one\n- two\n- three\n\nclosing line"


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        # Different places merge.
        (
            BASE.replace("intro", "Intro!"),
            BASE.replace("closing line", "The end."),
            "Intro!\n\n- one\n- two\n- three\n\nThe end.",
        ),
        (
            BASE.replace("- one", "- uno"),
            BASE.replace("- three", "- tres"),
            "intro\n\n- uno\n- two\n- tres\n\nclosing line",
        ),
        # Additions at both ends.
        ("top\n" + BASE, BASE + "\nbottom", "top\n" + BASE + "\nbottom"),
        # One side deletes a line the other did not touch.
        (
            BASE.replace("- two\n", ""),
            BASE.replace("closing line", "bye"),
            "intro\n\n- one\n- three\n\nbye",
        ),
        # Both made the same change.
        (BASE.replace("two", "2"), BASE.replace("two", "2"), BASE.replace("two", "2")),
        # Only one side changed anything.
        (BASE, BASE.replace("two", "2"), BASE.replace("two", "2")),
        (BASE.replace("two", "2"), BASE, BASE.replace("two", "2")),
        # Unicode and empty texts.
        ("", BASE, ""),
        (
            BASE.replace("intro", "Überblick ✓"),
            BASE.replace("closing line", "終わり"),
            "Überblick ✓\n\n- one\n- two\n- three\n\n終わり",
        ),
    ],
)
def test_merges(mine, theirs, expected):
    assert merge_text(BASE, mine, theirs) == expected


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        (BASE.replace("two", "zwei"), BASE.replace("two", "deux")),  # the same line
        (BASE.replace("- one", "- uno"), BASE.replace("- two", "- dos")),  # adjacent lines
        (BASE.replace("- two\n", ""), BASE.replace("two", "dos")),  # delete vs change
        ("completely new", "something else"),
    ],
)
def test_conflicts(mine, theirs):
    assert merge_text(BASE, mine, theirs) is None


def test_headings():
    assert merge_heading("Plan", "Plan", "Our plan") == "Our plan"
    assert merge_heading("Plan", "My plan", "Plan") == "My plan"
    assert merge_heading("Plan", "A", "B") is None
    assert merge_edit(("H", BASE), "H2", BASE, "H", BASE.replace("two", "2")).body == BASE.replace(
        "two", "2"
    )
    assert merge_edit(("H", BASE), "H2", BASE, "H3", BASE) is None


def test_side_by_side_marks_differences():
    left, right = side_by_side("a\nb\nc", "a\nB\nc\nd")
    assert left == [("same", "a"), ("changed", "b"), ("same", "c")]
    assert right == [("same", "a"), ("changed", "B"), ("same", "c"), ("changed", "d")]


# The conflict view's guarantees, over generated edits of generated texts.

LINE = st.sampled_from(["", "", "a", "b", "c", "- one", "- two", "## Heading", "x y z", "a b"])


@st.composite
def edited(draw, base: list[str]) -> list[str]:
    """`base` after a few edits: lines added, removed, changed or moved, anywhere."""
    lines = list(base)
    for _ in range(draw(st.integers(0, 5))):
        op = draw(st.sampled_from(["add", "remove", "change", "move"]))
        if op == "add":
            lines.insert(draw(st.integers(0, len(lines))), draw(LINE))
        elif lines and op == "remove":
            del lines[draw(st.integers(0, len(lines) - 1))]
        elif lines and op == "change":
            lines[draw(st.integers(0, len(lines) - 1))] = draw(LINE)
        elif lines:
            moved = lines.pop(draw(st.integers(0, len(lines) - 1)))
            lines.insert(draw(st.integers(0, len(lines))), moved)
    return lines


@st.composite
def three_texts(draw) -> tuple[str, str, str]:
    """base, mine, theirs: each with \n or \r\n line endings."""
    base = draw(st.lists(LINE, max_size=12))
    texts = [base, draw(edited(base)), draw(edited(base))]
    return tuple(draw(st.sampled_from(["\n", "\r\n"])).join(lines) for lines in texts)


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    remaining = iter(haystack)
    return all(line in remaining for line in needle)


def own_lines(base: list[str], mine: list[str], theirs: list[str]) -> tuple[list, list]:
    """Each side's lines but those in parts only the other side changed (there the other
    side's change is applied, which is the point of merging), by merge3's alignment."""
    kept_mine, kept_theirs = [], []
    iz = ia = ib = 0
    for zmatch, zend, amatch, aend, bmatch, bend in Merge3(base, mine, theirs).find_sync_regions():
        mine_changed = mine[ia:amatch] != base[iz:zmatch]
        theirs_changed = theirs[ib:bmatch] != base[iz:zmatch]
        if mine_changed or not theirs_changed:
            kept_mine += mine[ia:amatch]
        if theirs_changed or not mine_changed:
            kept_theirs += theirs[ib:bmatch]
        kept_mine += mine[amatch:aend]
        kept_theirs += theirs[bmatch:bend]
        iz, ia, ib = zend, aend, bend
    return kept_mine, kept_theirs


def expected_chunks(base: list[str], mine: list[str], theirs: list[str]) -> list:
    """merge3's regions: the clean ones as resolved lines (adjacent ones joined), conflicts
    as (mine, theirs)."""
    chunks: list = []
    for kind, *span in Merge3(base, mine, theirs).merge_regions():
        if kind == "conflict":
            chunks.append((tuple(mine[span[2] : span[3]]), tuple(theirs[span[4] : span[5]])))
            continue
        source = {"unchanged": base, "a": mine, "same": mine, "b": theirs}[kind]
        lines = list(source[span[0] : span[1]])
        if chunks and isinstance(chunks[-1], list):
            chunks[-1] += lines
        elif lines:
            chunks.append(lines)
    return chunks


def as_plain(proposal) -> list:
    return [
        (chunk.mine, chunk.theirs) if isinstance(chunk, Hunk) else list(chunk)
        for chunk in proposal.chunks
    ]


@settings(max_examples=500, deadline=None)
@given(three_texts())
def test_the_proposal_applies_every_change_that_does_not_clash(texts):
    base, mine, theirs = texts
    proposal = propose_merge(base, mine, theirs)
    lines = [split_lines(text) for text in texts]
    clean = merge_text(*("\n".join(part) for part in lines))
    if clean is not None:
        assert not proposal.hunks and proposal.text() == clean
    else:
        # Every region merge3 resolves is resolved in the proposal, in its place.
        assert as_plain(proposal) == expected_chunks(*lines)
        assert proposal.hunks


@settings(max_examples=500, deadline=None)
@given(three_texts(), st.sampled_from(["mine_first", "theirs_first"]))
def test_both_loses_no_line_of_either_side(texts, both):
    base, mine, theirs = (split_lines(text) for text in texts)
    result = split_lines(propose_merge(*texts).text(both))
    kept_mine, kept_theirs = own_lines(base, mine, theirs)
    assert is_subsequence(kept_mine, result) and is_subsequence(kept_theirs, result)
    # And without merge3's alignment: a line that is not in the base was written by
    # someone, and is there as often as either side wrote it.
    for line in set(mine + theirs) - set(base):
        assert result.count(line) >= max(mine.count(line), theirs.count(line))


@settings(max_examples=500, deadline=None)
@given(three_texts(), st.sampled_from(["mine", "theirs"]), st.data())
def test_mine_or_theirs_takes_that_sides_lines_for_the_hunk(texts, side, data):
    proposal = propose_merge(*texts)
    base, mine, theirs = (split_lines(text) for text in texts)
    everywhere = split_lines(proposal.text(side))
    kept_mine, kept_theirs = own_lines(base, mine, theirs)
    assert is_subsequence(kept_mine if side == "mine" else kept_theirs, everywhere)
    if not proposal.hunks:
        return
    # One hunk chosen, the others still marked: that hunk's lines in its place.
    number = data.draw(st.integers(0, len(proposal.hunks) - 1))
    hunk = proposal.hunks[number]
    index = proposal.chunks.index(hunk)
    before = proposal.chunks[:index]
    lines = split_lines(proposal.text({number: side}))
    start = len(split_lines(proposal.__class__(before).text())) if before else 0
    expected = hunk.mine if side == "mine" else hunk.theirs
    assert tuple(lines[start : start + len(expected)]) == expected
    assert len(parse_markers("\n".join(lines)).hunks) == len(proposal.hunks) - 1


@settings(max_examples=500, deadline=None)
@given(three_texts(), st.sampled_from(["olivia's version 4", "someone's version 12"]))
def test_the_marked_text_parses_back_into_the_same_hunks(texts, label):
    proposal = propose_merge(*texts, label=label)
    parsed = parse_markers(proposal.text())
    assert parsed == proposal
    assert [hunk.label for hunk in parsed.hunks] == [label] * len(proposal.hunks)
    for choice in CHOICES:
        assert parse_markers(proposal.text(choice)).hunks == []


def test_the_bob_and_alice_case():
    base = "\n".join(f"line {n}" for n in range(1, 12))
    bob = base.replace("line 5", "BOB 5").replace("line 9", "BOB 9")
    alice = base.replace("line 5", "ALICE 5")
    proposal = propose_merge(base, alice, bob, "bob's version 2")
    assert [(h.mine, h.theirs, h.base) for h in proposal.hunks] == [
        (("ALICE 5",), ("BOB 5",), ("line 5",))
    ]
    assert "BOB 9" in proposal.text() and proposal.text("mine").count("BOB 9") == 1
    assert "<<<<<<< your text\nALICE 5\n=======\nBOB 5\n>>>>>>> bob's version 2" in (
        proposal.text()
    )


def test_without_a_base_the_whole_text_is_one_hunk():
    proposal = propose_merge(None, "mine\nsame", "theirs\nsame")
    assert [(h.mine, h.theirs) for h in proposal.hunks] == [(("mine", "same"), ("theirs", "same"))]
    assert propose_merge(None, "same", "same").text() == "same"


def test_unclosed_or_foreign_markers_are_text():
    text = "<<<<<<< HEAD\na\n=======\nb\n>>>>>>> main\n<<<<<<< your text\nc\n======="
    assert parse_markers(text).hunks == [] and parse_markers(text).text() == text


def test_word_diff_marks_changed_words_only():
    assert word_diff("the quick brown fox", "the slow brown fox!") == [
        ("equal", "the "),
        ("delete", "quick"),
        ("insert", "slow"),
        ("equal", " brown fox"),
        ("insert", "!"),
    ]
    assert word_diff("same", "same") == [("equal", "same")]


def test_highlight_unified_pairs_removed_and_added_lines():
    rows = highlight_unified(["@@ -1,2 +1,2 @@", " keep", "-old words", "+new words", "+extra"])
    assert rows == [
        ("hunk", "", [("equal", "@@ -1,2 +1,2 @@")]),
        ("same", " ", [("equal", "keep")]),
        ("removed", "-", [("delete", "old"), ("equal", " words")]),
        ("added", "+", [("insert", "new"), ("equal", " words")]),
        ("added", "+", [("equal", "extra")]),
    ]
