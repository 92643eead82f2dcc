"""Heading anchors as GitHub makes them, so that links written for GitHub (`[Summary](#summary)`)
work on the plan page and in the PDF.

GitHub's rule (github-slugger): the heading's text content (the rendered text, markup dropped),
lower-cased, punctuation dropped, each space a `-`; a slug already used in the document gets
`-1`, `-2`, … On the page an anchor's element id is `user-content-<slug>` (GitHub's prefix), so
a text can never take one of the app's own ids; planhub.js follows `#<slug>` fragments to it.
"""

import re
from html import unescape

TAG = re.compile(r"<[^>]*>")
NOT_SLUG = re.compile(r"[^\w\- ]")
USER_CONTENT_PREFIX = "user-content-"


def plain_text(html: str) -> str:
    """The text a reader sees in `html` (a heading's HTML): tags dropped, entities decoded."""
    return unescape(TAG.sub("", html))


def github_slug(text: str) -> str:
    return NOT_SLUG.sub("", text.strip().lower()).replace(" ", "-")


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
