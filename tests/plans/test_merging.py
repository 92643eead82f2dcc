"""Three-way merge of concurrent edits."""

import pytest

from planhub.plans.merging import merge_edit, merge_heading, merge_text, side_by_side

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
