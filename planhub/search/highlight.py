"""Snippets with the matched words highlighted, safe to put in a page: every character of user
text is escaped, and the only markup added is <mark>…</mark> around a match.

Snippets are always cut from the original text in Python; on PostgreSQL, which words to mark
comes from ts_headline (`marked_words`), elsewhere from the query's words (`terms`)."""

import re
from collections.abc import Iterable
from functools import lru_cache
from html import escape  # what django.utils.html.escape does, without its lazy-string wrapper

from django.utils.safestring import SafeString, mark_safe

# What PostgreSQL's ts_headline puts around each match. Private-use characters, removed from
# the text before ts_headline sees it (see query.py): every one in its answer is its own.
START, STOP = "\ue000", "\ue001"
WHITESPACE = re.compile(r"\s+")
WORD = re.compile(r"\w+")
MARKED = re.compile(f"{START}(.+?){STOP}", re.DOTALL)
NOTHING = re.compile(r"(?!)")
SNIPPET_CHARS = 220


def collapse(text: str) -> str:
    """One line: a snippet shows text, not the Markdown's line breaks and indentation."""
    return WHITESPACE.sub(" ", text).strip()


def marked_words(*headlines: str) -> list[str]:
    """The words ts_headline marked (between START and STOP) in its answers.

    ts_headline knows which words match (stemmed: "rollbacks" marks "rollback"), but its text
    cannot be shown as is: it drops whatever looks like an HTML tag (`<Widget>` in a heading,
    `<div>` in a code sample). So only the words are taken from it, and the snippet is made
    from the original text (`snippet`), the same way on every database."""
    found = {}
    for text in headlines:
        for word in MARKED.findall(text or ""):
            found.setdefault(word.casefold(), word)
    return list(found.values())


def terms(text: str) -> list[str]:
    """The words of a query, each once (case-insensitively), in order: `[Feature Name]` is
    `["Feature", "Name"]`."""
    words: dict[str, str] = {}
    for word in WORD.findall(text):
        words.setdefault(word.casefold(), word)
    return list(words.values())


def terms_pattern(words: Iterable[str], *, whole_words: bool = False) -> re.Pattern:
    """Any of `words`, case-insensitively, the longest first (so "roll" does not cut a
    "rollback" match short); only where a whole word is the match with `whole_words`."""
    return _compiled(tuple(words), whole_words)


@lru_cache(maxsize=256)  # most hits of a search mark the same few words
def _compiled(words: tuple[str, ...], whole_words: bool) -> re.Pattern:
    alternatives = sorted({re.escape(word) for word in words if word}, key=len, reverse=True)
    if not alternatives:
        return NOTHING
    pattern = "|".join(alternatives)
    if whole_words:
        pattern = rf"(?<!\w)(?:{pattern})(?!\w)"
    return re.compile(pattern, re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern) -> SafeString:
    """All of `text`, escaped, with <mark> around each match of `pattern`."""
    parts, last = [], 0
    for match in pattern.finditer(text):
        start, end = match.span()
        if start == end:
            continue
        parts.append(escape(text[last:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))


def snippet(text: str, pattern: re.Pattern, width: int = SNIPPET_CHARS) -> SafeString:
    """About `width` characters of `text` around its first match (or its start), highlighted,
    cut at spaces, with … where text was left out."""
    text = collapse(text)
    if len(text) <= width:
        return highlight(text, pattern)
    match = pattern.search(text)
    start = 0
    if match is not None and match.end() > width * 2 // 3:
        start = max(0, match.start() - width // 3)
        space = text.find(" ", start, match.start())
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", match.end() if match and match.end() < end else start, end)
        end = space if space > start else end
    before = "… " if start > 0 else ""
    after = " …" if end < len(text) else ""
    return mark_safe(f"{before}{highlight(text[start:end], pattern)}{after}")
