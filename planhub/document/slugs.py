"""Heading anchors as GitHub makes them, so that links written for GitHub (`[Summary](#summary)`)
work on the plan page and in the PDF.

GitHub's rule (github-slugger): the heading's text content (the rendered text, markup dropped),
lower-cased; then every character dropped that is punctuation (but `-` and connector
punctuation such as `_`), a symbol (emoji included), a separator (but the plain space), a
control, format or private-use character, an "other" number (`²`, `①`) or unassigned, unless
Unicode calls it alphabetic (circled and squared letters stay); each remaining space becomes a
`-`. Letters of every script, marks and digits stay. Nothing is trimmed: the text of a Markdown
heading has no leading or trailing space already. A slug already used in the document gets
`-1`, `-2`, … (the first free one). On the page an anchor's element id is
`user-content-<slug>` (GitHub's prefix), so a text can never take one of the app's own ids;
planhub.js follows `#<slug>` fragments to it.
"""

import re
import unicodedata
from html import unescape

TAG = re.compile(r"<[^>]*>")
USER_CONTENT_PREFIX = "user-content-"

# General categories github-slugger removes (Other_Number, punctuation but connector
# punctuation, symbols, controls, private use, format, unassigned, separators).
DROPPED_CATEGORIES = frozenset(
    {"No", "Pe", "Pf", "Pi", "Ps", "Po", "Pd", "Sc", "Sk", "Sm", "So"}
    | {"Cc", "Co", "Cf", "Cn", "Zs", "Zl", "Zp"}
)
# Symbols that Unicode counts as alphabetic (Other_Alphabetic), which github-slugger keeps:
# circled Latin letters and the enclosed (parenthesized, squared, negative) capital letters.
ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))


def plain_text(html: str) -> str:
    """The text a reader sees in `html` (a heading's HTML): tags dropped, entities decoded."""
    return unescape(TAG.sub("", html))


def kept(char: str) -> bool:
    """Whether github-slugger keeps `char` (already lower-cased) in a slug."""
    if char in "- ":
        return True
    if unicodedata.category(char) not in DROPPED_CATEGORIES:
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in ALPHABETIC_SYMBOLS)


def github_slug(text: str) -> str:
    """The slug of one heading's text, before duplicates are numbered."""
    return "".join(char for char in text.lower() if kept(char)).replace(" ", "-")


def unique_slugs(texts) -> list[str]:
    """One slug per heading text, in document order, `-1`, `-2`, … for repeats (GitHub's)."""
    seen: dict[str, int] = {}
    slugs = []
    for text in texts:
        base = github_slug(text)
        slug = base
        while slug in seen:
            seen[base] += 1
            slug = f"{base}-{seen[base]}"
        seen[slug] = 0
        slugs.append(slug)
    return slugs
