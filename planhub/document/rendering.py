"""Markdown to safe HTML. Everything a user wrote passes through `render_markdown` (a text) or
`render_heading` (a heading's inline text).

The parser is markdown_parser's: CommonMark (the same tokenizer that splits plans into
sections, so what is a heading, a list or a code block is decided one way everywhere) plus
GFM tables, strikethrough and task lists, bounded so that rendering stays linear in the text.
Fenced code is highlighted with Pygments (within highlighting.py's limits) and ```mermaid
blocks become `<div class="mermaid">` for the browser to draw. nh3 then removes anything
unsafe: scripts, event handlers, `javascript:` URLs, unknown tags — and every class, id and
style attribute of the text itself, so that a text can neither borrow the app's styles nor
print a fake stamp (`<div class="watermark">APPROVED</div>`).

The renderer's own classes and styles (Pygments' token classes, task lists', the mermaid
container, front matter's, table alignment) reach the page under attribute names made for one
rendering (`data-ph<random>-class`), which only that call to the sanitizer keeps and which are
then renamed back to class and style: a text cannot guess them.
"""

import gc
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from html import escape

import nh3

from .highlighting import HIGHLIGHTED_CHARS, highlighted_code, highlighting_cost
from .parser import BoundedMarkdownIt, bounded_markdown, budget, open_raw_html
from .sections import front_matter_line_count, split_lines

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "input": {"type", "checked", "disabled"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class OwnAttributes:
    """The attribute names under which one rendering marks its own classes and styles."""

    prefix: str

    @classmethod
    def new(cls) -> "OwnAttributes":
        return cls(f"data-ph{secrets.token_hex(12)}-")

    @property
    def class_(self) -> str:
        return f"{self.prefix}class"

    @property
    def style(self) -> str:
        return f"{self.prefix}style"


@dataclass
class Rendering:
    """One call's own attribute names and what it may still highlight (in `env`)."""

    own: OwnAttributes
    highlighted_chars: int = HIGHLIGHTED_CHARS

    @classmethod
    def env(cls) -> dict:
        return {RENDERING_KEY: cls(OwnAttributes.new())}


RENDERING_KEY = "planhub_rendering"


def sanitize(html: str, own: OwnAttributes | None = None) -> str:
    """`html` without anything unsafe and without class, id or style attributes, but for
    those marked with `own`'s names, which become class and style again."""
    attributes = ALLOWED_ATTRIBUTES
    if own is not None:
        attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
        attributes["*"].add(own.class_)
        attributes["td"].add(own.style)
        attributes["th"].add(own.style)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"input": {"disabled": "disabled"}},
    )
    return clean.replace(own.prefix, "") if own is not None else clean


def _own(env) -> OwnAttributes:
    return env[RENDERING_KEY].own


def _mark_own_attributes(state) -> None:
    """Core rule: the class and style attributes of tokens (only the renderer's rules set
    any: task lists, table alignment) under this rendering's own names."""
    own = _own(state.env)
    renamed = {"class": own.class_, "style": own.style}
    for token in state.tokens:
        if token.attrs and ("class" in token.attrs or "style" in token.attrs):
            token.attrs = {renamed.get(name, name): value for name, value in token.attrs.items()}


def _render_fence(renderer, tokens, index, options, env) -> str:
    token = tokens[index]
    own = _own(env)
    language = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
    if language == "mermaid":
        return f'<div {own.class_}="mermaid">{escape(token.content)}</div>\n'
    rendering = env[RENDERING_KEY]
    cost = highlighting_cost(language, token.content)
    if cost is not None and cost <= rendering.highlighted_chars:
        code = highlighted_code(language, token.content)
        if code is not None:
            rendering.highlighted_chars -= cost
            # Pygments escapes the code (a quote in it is &quot;): ` class="` is only its own.
            return code.replace(' class="', f' {own.class_}="')
    return f"<pre><code>{escape(token.content)}</code></pre>\n"


def _render_task_checkbox(renderer, tokens, index, options, env) -> str:
    checked = tokens[index].meta["checked"]
    if checked is None:
        return ""
    mark = 'checked="checked" ' if checked else ""
    return (
        f'<input {_own(env).class_}="task-list-item-checkbox" {mark}disabled="disabled" '
        'type="checkbox">'
    )


def _render_raw_html(renderer, tokens, index, options, env) -> str:
    """Raw HTML as written while it leaves few elements open; past that, as text."""
    html = tokens[index].content
    return html if open_raw_html(budget(env), html) else escape(html)


@cache
def _renderer() -> BoundedMarkdownIt:
    md = bounded_markdown(html=True)
    md.core.ruler.push("own_attributes", _mark_own_attributes)
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("task_checkbox", _render_task_checkbox)
    md.add_render_rule("html_block", _render_raw_html)
    md.add_render_rule("html_inline", _render_raw_html)
    return md


@contextmanager
def _no_cycle_collection():
    """markdown-it makes a few objects per character of a text, none of them in a reference
    cycle, so reference counting frees them all. CPython's cycle collector would scan the live
    ones again and again meanwhile: up to a third of the time on a dense text, and growing
    faster than the text. (Process-wide: another thread's cycles wait until this ends.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_markdown(text: str) -> str:
    """Safe HTML for a section body. YAML front matter is shown as a code block."""
    with _no_cycle_collection():
        return _render_markdown(text)


def _render_markdown(text: str) -> str:
    env = Rendering.env()
    own = _own(env)
    lines = split_lines(text)
    skip = front_matter_line_count(lines)
    html = ""
    if skip:
        front_matter = escape("".join(lines[:skip]))
        html += f'<pre {own.class_}="front-matter"><code>{front_matter}</code></pre>'
    html += _renderer().render("".join(lines[skip:]), env)
    return sanitize(html, own)


def render_heading(text: str) -> str:
    """Safe inline HTML for a heading's text (emphasis, code, links): inline syntax only, so
    “1. OBJECTIVE” stays a heading's text and never becomes a list."""
    env = Rendering.env()
    with _no_cycle_collection():
        return sanitize(_renderer().renderInline(text, env), _own(env))
