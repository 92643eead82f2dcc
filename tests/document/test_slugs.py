"""Heading slugs as GitHub makes them (github-slugger): `[Summary](#summary)` finds it."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planhub.document.slugs import github_slug, plain_text, unique_slugs


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Summary", "summary"),
        ("Notes/Constraints/Caveats (Optional)", "notesconstraintscaveats-optional"),
        ("Upgrade / Downgrade Strategy", "upgrade--downgrade-strategy"),
        ("Risks and Mitigations", "risks-and-mitigations"),
        ("bravoCharlieDelta", "bravocharliedelta"),
        ("heading with a - dash", "heading-with-a---dash"),
        ("heading with an _ underscore", "heading-with-an-_-underscore"),
        ("heading with a period.txt", "heading-with-a-periodtxt"),
        (
            "exchange.bind_headers(exchange, routing [, bindCallback])",
            "exchangebind_headersexchange-routing--bindcallback",
        ),
        ("apostrophe’s should be trimmed", "apostrophes-should-be-trimmed"),
        ("I ♥ unicode", "i--unicode"),
        ("en–dash", "endash"),
        ("😄 unicode emoji", "-unicode-emoji"),
        ("😄-😄 unicode emoji", "--unicode-emoji"),
        ("🎉 Release 1.0 🚀", "-release-10-"),
        (":ok_hand: Single", "ok_hand-single"),
        ("Привет non-latin 你好", "привет-non-latin-你好"),
        ("ملخص الخطة", "ملخص-الخطة"),
        ("תקציר", "תקציר"),
        ("Ⓐ circled", "ⓐ-circled"),  # alphabetic symbols stay, lower-cased
        ("x² and ½", "x-and-"),  # other numbers go
        ("`{METHOD} {path}`", "method-path"),
        # github-slugger trims nothing: a heading's own text never starts with a space
        (" a ", "-a-"),
        (" ", "-"),
        ("", ""),
    ],
)
def test_github_examples(text, slug):
    assert github_slug(text) == slug


def test_duplicates_are_numbered_like_github():
    texts = ["echo", "echo", "echo 1", "echo-1", "echo", "foxtrot-1", "foxtrot", "foxtrot"]
    assert unique_slugs(texts) == [
        "echo",
        "echo-1",
        "echo-1-1",
        "echo-1-2",
        "echo-2",
        "foxtrot-1",
        "foxtrot",
        "foxtrot-2",
    ]


def test_a_kep_outline():
    texts = ["Summary", "Motivation", "Goals", "Non-Goals", "Goals", "Summary"]
    assert unique_slugs(texts) == [
        "summary",
        "motivation",
        "goals",
        "non-goals",
        "goals-1",
        "summary-1",
    ]


def test_plain_text_of_a_heading_drops_markup_and_decodes_entities():
    html = '<code>{METHOD} {path}</code> <em>and</em> <a href="x">&lt;b&gt; &amp; co</a>'
    assert plain_text(html) == "{METHOD} {path} and <b> & co"
    assert plain_text('<img src="x" alt="logo"> Title') == " Title"


def removed_by_github(char: str) -> bool:
    """github-slugger's removed set, written independently of the module under test."""
    category = unicodedata.category(char)
    if char in "- ":
        return False
    if "ⓐ" <= char <= "ⓩ" or "Ⓐ" <= char <= "Ⓩ":
        return False
    if "\U0001f130" <= char <= "\U0001f189":
        return category == "So" and not (
            "\U0001f130" <= char <= "\U0001f149"
            or "\U0001f150" <= char <= "\U0001f169"
            or "\U0001f170" <= char <= "\U0001f189"
        )
    return category[0] in "PSZ" and category != "Pc" or category in {"No", "Cc", "Co", "Cf", "Cn"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=25))
def test_slugs_are_unique_and_keep_only_what_github_keeps(texts):
    slugs = unique_slugs(texts)
    assert len(slugs) == len(texts)
    assert len(set(slugs)) == len(slugs)
    for slug in slugs:
        assert " " not in slug
        assert not any(removed_by_github(char) for char in slug), slug


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_a_slug_is_its_own_slug(text):
    """What is kept is kept again: a link to a slug written by hand finds the heading."""
    slug = github_slug(text)
    assert github_slug(slug) == slug.lower()
