"""Texts that cannot hold a placeholder are not parsed: the answer is the parse's."""

import pytest

from planhub.document.placeholders import (
    SYNTAXES,
    _find_in,
    _visible_runs,
    count_placeholders,
    may_hold_placeholders,
)

TEXTS = [
    "We ship it on Monday.\n",
    "Owner: [Owner]\n",
    "A {short title} and <service name>.\n",
    "Scale: NEEDS **CLARIFICATION**.\n",
    "Scale: NEEDS\nCLARIFICATION.\n",
    "*NEEDS* CLARIFICATION\n",
    "&#91;Owner&#93; and \\[Owner\\]\n",
    "[x] done, items[0], A[Invoice]\n",
    "- [Metric 1]: [Target]\n",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("syntax", SYNTAXES)
def test_the_shortcut_agrees_with_the_parse(text, syntax):
    syntaxes = frozenset({syntax})
    found = _find_in(list(_visible_runs(text, None)), syntaxes)
    assert count_placeholders(text, syntaxes) == len(found.spots) + found.marks


def test_plain_text_is_not_parsed():
    every = frozenset(SYNTAXES)
    assert not may_hold_placeholders("We ship it on Monday (probably).\n", every)
    assert may_hold_placeholders("Owner: [Owner]\n", frozenset({"square"}))
    assert not may_hold_placeholders("Owner: [Owner]\n", frozenset({"curly"}))
