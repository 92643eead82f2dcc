"""Markdown to safe HTML. Everything a user wrote passes through `render_markdown`.

Python-Markdown renders (tables, task lists, fenced code with Pygments classes, mermaid blocks
as `<div class="mermaid">` for the browser to draw); nh3 then removes anything unsafe: scripts,
event handlers, `javascript:` URLs, styles, unknown tags.
"""

import threading
from functools import cache

import markdown
import nh3
from markdown_it import MarkdownIt
from pymdownx.superfences import fence_div_format

from .outline import FRONT_MATTER_OPEN, front_matter_line_count, split_lines

EXTENSIONS = [
    "tables",
    "sane_lists",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.tasklist",
    "pymdownx.tilde",
]
EXTENSION_CONFIGS = {
    "pymdownx.superfences": {
        "custom_fences": [{"name": "mermaid", "class": "mermaid", "format": fence_div_format}],
    },
    "pymdownx.highlight": {"css_class": "highlight", "guess_lang": False},
    "pymdownx.tasklist": {"custom_checkbox": False},
}

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "input": {"type", "checked", "disabled"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One Markdown instance per thread: building one (extensions and all) costs more than
    rendering a section, and an instance must not be shared between threads."""
    if not hasattr(_local, "converter"):
        _local.converter = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
        )
    return _local.converter


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"input": {"disabled": "disabled"}},
    )


def render_markdown(text: str) -> str:
    """Safe HTML for a section body. YAML front matter is shown as a code block."""
    lines = split_lines(text)
    skip = front_matter_line_count(lines) if lines and FRONT_MATTER_OPEN.match(lines[0]) else 0
    html = ""
    if skip:
        front = "".join(lines[:skip])
        html += f'<pre class="front-matter"><code>{_escape(front)}</code></pre>'
    html += _converter().reset().convert("".join(lines[skip:]))
    return sanitize(html)


def render_heading(text: str) -> str:
    """Safe inline HTML for a heading's text (emphasis, code, links): inline syntax only, so
    “1. OBJECTIVE” stays a heading's text and never becomes a list."""
    return sanitize(_inline_renderer().renderInline(text))


@cache
def _inline_renderer() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("strikethrough")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
