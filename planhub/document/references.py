"""Reference-link definitions (`[RFC 3502]: https://…`) across a whole plan.

A plan is stored and rendered one section at a time, but GitHub reads a file as one document:
a definition anywhere serves every link in it, and the first definition of a label (in document
order) wins. `text_references` reads one text's definitions with the renderer's own parser
(markdown-it's reference rule, bounded as rendering is; a footnote `[^1]: …` is no definition),
`plan_references` merges the sections' in order, and rendering.render_markdown takes the result
as `references`.

A definition is markdown-it's: {normalized label: {"href": …, "title": …}}, the label
normalized as markdown-it normalizes it (case-folded, spaces collapsed).
"""

from collections.abc import Iterable
from functools import cache

from mdit_py_plugins.footnote import footnote_plugin

from .parser import BoundedMarkdownIt, bounded_markdown
from .sections import front_matter_line_count, split_lines

References = dict[str, dict[str, str]]


@cache
def _block_parser() -> BoundedMarkdownIt:
    """The renderer's block rules, without inline parsing (the slow part, not needed here)."""
    md = bounded_markdown(html=True)
    footnote_plugin(md, inline=False)
    md.disable(["inline", "footnote_tail", "task_lists"])
    return md


def text_references(text: str) -> References:
    """The reference-link definitions of one text (a section's body), in its order."""
    if "]:" not in text:  # every definition has one: most texts are read no further
        return {}
    lines = split_lines(text)
    env: dict = {}
    _block_parser().parse("".join(lines[front_matter_line_count(lines) :]), env)
    return {
        label: {"href": definition["href"], "title": definition["title"]}
        for label, definition in env.get("references", {}).items()
    }


def merge_references(texts_references: Iterable[References]) -> References:
    """The definitions of texts in document order merged: the first of each label wins."""
    merged: References = {}
    for references in texts_references:
        for label, definition in references.items():
            merged.setdefault(label, definition)
    return merged


def plan_references(bodies: Iterable[str]) -> References:
    """The definitions of a plan whose section bodies are `bodies`, in order."""
    return merge_references(text_references(body) for body in bodies)
