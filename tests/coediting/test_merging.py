"""The merge of a change saved without the draft into the draft's document."""

from hypothesis import given, settings
from hypothesis import strategies as st
from pycrdt import Doc, Text

from planhub.coediting.merging import merge_into_doc
from planhub.document.merging import MINE_MARKER

line = st.sampled_from(["a", "b", "c", "dé", "😀", ""])
texts = st.lists(line, max_size=7).map("\n".join)


def doc_of(heading: str, body: str) -> Doc:
    doc = Doc()
    doc.get("heading", type=Text).insert(0, heading)
    doc.get("body", type=Text).insert(0, body)
    return doc


def body_of(doc: Doc) -> str:
    return str(doc.get("body", type=Text))


def new_lines(text: str, base: str) -> set[str]:
    return set(text.split("\n")) - set(base.split("\n"))


@settings(max_examples=300)
@given(texts, texts, texts)
def test_no_line_of_either_side_is_lost(base, mine, theirs):
    """Every line either side wrote (not in the base) is in the draft after the merge: merged,
    or inside conflict markers."""
    doc = doc_of("H", mine)
    merge_into_doc(doc, ("H", base), ("H", theirs), "bob's version 2")
    lines = set(body_of(doc).split("\n"))
    assert new_lines(mine, base) <= lines
    assert new_lines(theirs, base) <= lines


@settings(max_examples=300)
@given(texts, texts, texts, st.data())
def test_typing_during_the_merge_survives(base, mine, theirs, data):
    """A browser types while the server merges: once both changes meet, both docs read the
    merge with the typing in it, nothing else added or lost."""
    server = doc_of("H", mine)
    browser = Doc()
    browser.apply_update(server.get_update())
    position = data.draw(st.integers(0, len(mine)))
    typed = "XYZ"
    browser.get("body", type=Text).insert(len(mine[:position].encode()), typed)

    before = server.get_state()
    merge_into_doc(server, ("H", base), ("H", theirs), "bob's version 2")
    merged = body_of(server)
    change = server.get_update(before)
    server.apply_update(browser.get_update())
    browser.apply_update(change)

    assert body_of(server) == body_of(browser)
    assert typed in body_of(browser)
    assert body_of(browser).replace(typed, "", 1) == merged


def test_a_clash_is_marked_and_counted():
    doc = doc_of("H", "one\nmine\nthree")
    conflicts = merge_into_doc(doc, ("H", "one\ntwo\nthree"), ("H", "one\ntheirs\nthree"), "v2")
    assert conflicts == 1
    assert body_of(doc) == f"one\n{MINE_MARKER}\nmine\n=======\ntheirs\n>>>>>>> v2\nthree"


def test_headings_merge_and_both_renamed_keeps_the_drafts():
    doc = doc_of("Mine", "x")
    assert merge_into_doc(doc, ("Old", "x"), ("Theirs", "x"), "v2") == 1
    assert str(doc.get("heading", type=Text)) == "Mine"
    doc = doc_of("Old", "x")
    assert merge_into_doc(doc, ("Old", "x"), ("Theirs", "x"), "v2") == 0
    assert str(doc.get("heading", type=Text)) == "Theirs"


def test_without_a_base_both_texts_are_kept():
    doc = doc_of("H", "mine")
    assert merge_into_doc(doc, None, ("H", "theirs"), "v2") == 1
    assert {"mine", "theirs"} <= set(body_of(doc).split("\n"))
