"""Markdown to safe HTML. Everything a user wrote passes through `render_markdown`.

markdown-it-py renders CommonMark (the same parser that splits plans into sections, so what
is a heading, a list or a code block is decided one way everywhere) plus GFM tables,
strikethrough and task lists; fenced code is highlighted with Pygments and ```mermaid blocks
become `<div class="mermaid">` for the browser to draw. nh3 then removes anything unsafe:
scripts, event handlers, `javascript:` URLs, styles, unknown tags.
"""

from functools import cache
from html import escape

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from .outline import front_matter_line_count, split_lines

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "input": {"type", "checked", "disabled"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
CODE_FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"input": {"disabled": "disabled"}},
        filter_style_properties={"text-align"},
    )


def _render_fence(renderer, tokens, index, options, env) -> str:
    token = tokens[index]
    language = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
    if language == "mermaid":
        return f'<div class="mermaid">{escape(token.content)}</div>\n'
    if language:
        try:
            lexer = get_lexer_by_name(language)
        except ClassNotFound:
            pass
        else:
            return highlight(token.content, lexer, CODE_FORMATTER)
    return f"<pre><code>{escape(token.content)}</code></pre>\n"


@cache
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"]).use(tasklists_plugin)
    md.add_render_rule("fence", _render_fence)
    return md


def render_markdown(text: str) -> str:
    """Safe HTML for a section body. YAML front matter is shown as a code block."""
    lines = split_lines(text)
    skip = front_matter_line_count(lines)
    html = ""
    if skip:
        html += f'<pre class="front-matter"><code>{escape("".join(lines[:skip]))}</code></pre>'
    html += _renderer().render("".join(lines[skip:]))
    return sanitize(html)


def render_heading(text: str) -> str:
    """Safe inline HTML for a heading's text (emphasis, code, links): inline syntax only, so
    “1. OBJECTIVE” stays a heading's text and never becomes a list."""
    return sanitize(_renderer().renderInline(text))
