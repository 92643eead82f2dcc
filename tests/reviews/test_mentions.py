"""@mentions in comment text (planhub/document/mentions.py, and their rendering): only the
members given become mentions, the text round-trips, nothing crashes."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planhub.document.comments import render_comment
from planhub.document.mentions import Mention, lowered, split_mentions

MEMBERS = {"rita": "Rita Reviewer", "eddie": "", "o.k-user_1": "", "Zoë": "Zoë"}
MENTION_SPAN = re.compile(r'<span class="mention" title="@([^"]+)">@([^<]*)</span>')


def mentions_in(text: str) -> list[str]:
    return [p.username for p in split_mentions(text, lowered(MEMBERS)) if isinstance(p, Mention)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("@rita", ["rita"]),
        ("hi @rita, and @eddie.", ["rita", "eddie"]),
        ("(@rita) [@eddie] *@rita* _@rita_", ["rita", "eddie", "rita", "rita"]),
        ("@RITA", ["rita"]),  # as the member spells it
        ("@o.k-user_1: done", ["o.k-user_1"]),
        ("@o.k-user_1.", ["o.k-user_1"]),
        ("@zoë?", ["Zoë"]),
        ("@ritaa @rit @nobody @", []),  # no member by that name: plain text
        ("rita@rita.com a/@rita a.@rita @@rita x@rita", []),  # addresses and paths
        ("@rita's", ["rita"]),
    ],
)
def test_which_names_are_mentions(text, expected):
    assert mentions_in(text) == expected


def test_mentions_render_with_the_display_name_and_are_reported():
    rendered = render_comment("Over to @rita and @eddie; not @oscar.", MEMBERS)
    assert MENTION_SPAN.findall(rendered.html) == [("rita", "Rita Reviewer"), ("eddie", "eddie")]
    assert "not @oscar." in rendered.html
    assert rendered.mentioned == {"rita", "eddie"}


def test_code_never_holds_a_mention():
    rendered = render_comment("`@rita`\n\n```\n@eddie\n```\n\n    @rita\n", MEMBERS)
    assert rendered.mentioned == frozenset() and "mention" not in rendered.html


def test_a_mention_inside_a_link_text_stays_in_the_link():
    rendered = render_comment("[ask @rita](https://example.com)", MEMBERS)
    assert rendered.mentioned == {"rita"}
    assert '<a href="https://example.com"' in rendered.html


def test_a_display_name_is_escaped():
    rendered = render_comment("@rita", {"rita": '<img src=x onerror="alert(1)">'})
    assert "<img" not in rendered.html and "&lt;img" in rendered.html


names = st.text(alphabet="abcZ._+-1ë", min_size=1, max_size=8)
texts = st.text(alphabet=list("@ .,;:!?()[]*_`\n-+/abcZ1ë'\"<>"), max_size=120)


@settings(max_examples=400, deadline=None)
@given(texts, st.lists(names, max_size=4))
def test_split_round_trips_and_finds_only_members(text, members):
    pieces = split_mentions(text, lowered(members))
    assert "".join(p.source if isinstance(p, Mention) else p for p in pieces) == text
    for piece in pieces:
        if isinstance(piece, Mention):
            assert piece.username in members
            assert piece.source[1:].lower() == piece.username.lower()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.lists(names, max_size=4))
def test_any_text_renders_and_only_members_are_mentioned(text, members):
    rendered = render_comment(text, dict.fromkeys(members, ""))
    assert rendered.mentioned <= set(members)
    assert {username for username, _ in MENTION_SPAN.findall(rendered.html)} == {
        *rendered.mentioned
    }


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["@rita", "@eddie", "@oscar", "word", ",", "(", ")", "\n"]), max_size=12
    )
)
def test_rendered_mentions_are_the_members_written_in_plain_text(words):
    """In prose (no code, which never holds a mention), rendering finds what the scanner does."""
    text = " ".join(words)
    rendered = render_comment(text, MEMBERS)
    assert rendered.mentioned == set(mentions_in(text))
