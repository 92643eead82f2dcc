"""Word-level highlighting of differences, built with Django's escaping (the text is untrusted)."""

import json

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from planhub.document.merging import word_marks

register = template.Library()

_HIDDEN = '<span class="visually-hidden">{}</span>'
# Never colour alone: <ins>/<del> are underlined and struck through, and screen readers hear
# where each change begins and ends.
_MARKUP = {
    "insert": "<ins>" + _HIDDEN.format("[{}: ") + "{}" + _HIDDEN.format("]") + "</ins>",
    "delete": "<del>" + _HIDDEN.format("[{}: ") + "{}" + _HIDDEN.format("]") + "</del>",
}
_SAID = {"insert": "added", "delete": "removed"}


@register.filter
def diff_html(pieces: list[tuple[str, str]], said: str = "") -> SafeString:
    """(op, text) pieces from merging.word_diff as HTML, every text escaped; `said` is what
    screen readers hear for a marked piece (default "added" / "removed")."""
    return format_html_join(
        "",
        "{}",
        (
            (text if op == "equal" else format_html(_MARKUP[op], said or _SAID[op], text),)
            for op, text in pieces
        ),
    )


@register.filter
def marked_html(pieces: list[tuple[str, str]]) -> SafeString:
    """One side of a comparison (merging.word_marks), the words the other lacks in <ins>
    (underlined; exposed as an insertion), every text escaped."""
    return format_html_join(
        "",
        "{}",
        ((format_html("<ins>{}</ins>", text) if op != "equal" else text,) for op, text in pieces),
    )


@register.filter
def changed_from(text: str, other: str) -> SafeString:
    """`text` with the words that `other` does not have marked."""
    return marked_html(word_marks(text or "", other or ""))


@register.filter
def choice_lines(hunk, choice: str) -> str:
    """The hunk's lines once `choice` (mine, theirs, mine_first, theirs_first, or "markers"
    for the hunk as marked in the text), as JSON: no lines and one empty line differ."""
    return json.dumps(list(hunk.marker_lines() if choice == "markers" else hunk.resolve(choice)))
