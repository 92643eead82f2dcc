from hypothesis import given, settings
from hypothesis import strategies as st
from pycrdt import Doc, Text

from planhub.coediting.text_sync import apply_text, edits

# Lines from a small alphabet (repeats make the line diff work), emoji and accents included:
# pycrdt counts UTF-8 bytes, Python characters.
line = st.text(alphabet="ab é😀\t", max_size=6)
texts = st.lists(line, max_size=8).map("\n".join)


def doc_with(text: str) -> tuple[Doc, Text]:
    doc = Doc()
    body = doc.get("body", type=Text)
    body.insert(0, text)
    return doc, body


@given(texts, texts)
def test_the_text_becomes_the_new_text(old, new):
    _, body = doc_with(old)
    apply_text(body, new)
    assert str(body) == new


def test_only_the_changed_characters_are_touched():
    assert edits("one\ntwo\nthree\n", "one\ntwo!\nthree\n") == [(7, 0, "!")]
    assert edits("a\nb\nc", "a\nc") == [(2, 2, "")]


@settings(max_examples=200)
@given(texts, texts, st.data())
def test_concurrent_typing_elsewhere_survives(old, new, data):
    """Another doc types into the old text at the same time: its characters are all there after
    both changes meet, whichever order they arrive in."""
    server, body = doc_with(old)
    peer = Doc()
    peer.apply_update(server.get_update())
    peer_body = peer.get("body", type=Text)
    typed = "XYZ"
    position = data.draw(st.integers(0, len(old)))
    peer_body.insert(len(old[:position].encode()), typed)

    before = server.get_state()
    apply_text(body, new)
    change = server.get_update(before)
    server.apply_update(peer.get_update())
    peer.apply_update(change)

    assert str(server.get("body", type=Text)) == str(peer_body)
    assert typed in str(peer_body)
    # Nothing else was added or lost: the rest is the new text (the typing may split it).
    assert len(str(peer_body)) == len(new) + len(typed)
