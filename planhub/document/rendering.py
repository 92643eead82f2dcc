"""Markdown to safe HTML. Everything a user wrote passes through `render_markdown` (a text) or
`render_heading` (a heading's inline text).

The parser is markdown_parser's: CommonMark (the same tokenizer that splits plans into
sections, so what is a heading, a list or a code block is decided one way everywhere) plus
GFM tables, strikethrough and task lists, bounded so that rendering stays linear in the text,
and, as GitHub renders a file:
- reference links defined anywhere in the plan: `references` (references.py) are the plan's
  definitions, first in document order winning, which a section's own cannot override;
- footnotes (`[^1]` and `[^1]: text`), listed at the end of the section with back-links; their
  ids start `user-content-fn-` / `user-content-fnref-`, then the section's `id_prefix` (its
  position on the plan page: `user-content-fn-3-1`), so they are unique on a plan's page.
  A footnote defined in another section is not one: `[^x]` stays as text;
- autolinks: bare http(s) URLs, `www.` addresses (as http://) and e-mail addresses, not a bare
  domain name (`setup.py`), not inside code, trailing punctuation left out;
- YAML front matter as a two-column table (key, value as its text), never parsed as YAML;
- `dir="auto"` on the blocks made from text (paragraphs, list items, headings, quotes, cells),
  so that a right-to-left paragraph reads right to left.
Fenced code is highlighted with Pygments (within highlighting.py's limits) and ```mermaid
blocks become `<div class="mermaid">` for the browser to draw. nh3 then removes anything
unsafe: scripts, event handlers, `javascript:` URLs, unknown tags — and every class, id, dir
and style attribute of the text itself, so that a text can neither borrow the app's styles nor
print a fake stamp (`<div class="watermark">APPROVED</div>`).

The renderer's own classes and styles (Pygments' token classes, task lists', the mermaid
container, front matter's, table alignment), its ids (footnotes') and `dir`s reach the page
under attribute names made for one rendering (`data-ph<random>-class`), which only that call
to the sanitizer keeps and which are then renamed back to class, style, id and dir: a text
cannot guess them.
"""

import gc
import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from html import escape

import nh3
from linkify_it import LinkifyIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_ref

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

    @property
    def id(self) -> str:
        return f"{self.prefix}id"

    @property
    def dir(self) -> str:
        return f"{self.prefix}dir"


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
    """`html` without anything unsafe and without class, id, dir or style attributes, but
    for those marked with `own`'s names, which become class, id, dir and style again."""
    attributes = ALLOWED_ATTRIBUTES
    if own is not None:
        attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
        attributes["*"] |= {own.class_, own.id, own.dir}
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


# Blocks the renderer makes from text, which take their direction from it.
DIRECTED_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th"})


def _mark_direction(state) -> None:
    """Core rule: dir="auto" (under this rendering's own name) on every block made from text."""
    name = _own(state.env).dir
    for token in state.tokens:
        if token.nesting == 1 and token.tag in DIRECTED_TAGS:
            token.attrSet(name, "auto")


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


class GfmLinkify(LinkifyIt):
    """Links as GFM's autolink extension finds them: with a scheme (https://, mailto:), an
    e-mail address, or a host starting `www.`; never a bare domain name (`setup.py`)."""

    def match(self, text):
        links = [
            link
            for link in super().match(text) or []
            if link.schema or link.raw[:4].lower() == "www."
        ]
        return links or None


# A footnote label: no space, no bracket (so `[^[^[^…` scans each character once), and at
# most as long as a link label may be.
FOOTNOTE_LABEL = re.compile(r"[^\s\[\]]{1,999}\]")


def _footnote_ref(state, silent: bool) -> bool:
    """mdit-py-plugins' footnote reference, only where a label follows that it can read: its
    own scan runs to the end of the line from every `[^`."""
    start = state.pos
    if not state.src.startswith("[^", start):
        return False
    if not FOOTNOTE_LABEL.match(state.src, start + 2, state.posMax):
        return False
    return footnote_ref(state, silent)


def _footnote_key(env) -> str:
    return env.get(ID_PREFIX_KEY, "")


def _footnote_number(token) -> str:
    return str(token.meta["id"] + 1)


def _footnote_ref_id(env, token) -> str:
    sub = token.meta["subId"]
    suffix = f"-{sub + 1}" if sub else ""
    return f"user-content-fnref-{_footnote_key(env)}{_footnote_number(token)}{suffix}"


def _render_footnote_ref(renderer, tokens, index, options, env) -> str:
    token, own = tokens[index], _own(env)
    number = _footnote_number(token)
    return (
        f'<sup><a href="#user-content-fn-{_footnote_key(env)}{number}" '
        f'{own.id}="{_footnote_ref_id(env, token)}" {own.class_}="footnote-ref">{number}</a></sup>'
    )


def _render_footnote_block_open(renderer, tokens, index, options, env) -> str:
    return f'<div {_own(env).class_}="footnotes">\n<ol>\n'


def _render_footnote_block_close(renderer, tokens, index, options, env) -> str:
    return "</ol>\n</div>\n"


def _render_footnote_open(renderer, tokens, index, options, env) -> str:
    own = _own(env)
    number = _footnote_number(tokens[index])
    return f'<li {own.id}="user-content-fn-{_footnote_key(env)}{number}" {own.dir}="auto">'


def _render_footnote_close(renderer, tokens, index, options, env) -> str:
    return "</li>\n"


def _render_footnote_anchor(renderer, tokens, index, options, env) -> str:
    token = tokens[index]
    number = _footnote_number(token)
    return (
        f' <a href="#{_footnote_ref_id(env, token)}" {_own(env).class_}="footnote-backref" '
        f'title="Back to reference {number}">\u21a9</a>'
    )


@cache
def _renderer() -> BoundedMarkdownIt:
    md = bounded_markdown(html=True)
    md.linkify = GfmLinkify()
    md.options["linkify"] = True
    md.enable("linkify")
    footnote_plugin(md, inline=False)
    md.inline.ruler.at("footnote_ref", _footnote_ref)
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    md.add_render_rule("footnote_block_open", _render_footnote_block_open)
    md.add_render_rule("footnote_block_close", _render_footnote_block_close)
    md.add_render_rule("footnote_open", _render_footnote_open)
    md.add_render_rule("footnote_close", _render_footnote_close)
    md.add_render_rule("footnote_anchor", _render_footnote_anchor)
    md.core.ruler.push("own_attributes", _mark_own_attributes)
    md.core.ruler.push("direction", _mark_direction)
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


ID_PREFIX_KEY = "planhub_id_prefix"
ID_PREFIX = re.compile(r"[A-Za-z0-9_]*")


def render_markdown(text: str, references: dict | None = None, id_prefix: str = "") -> str:
    """Safe HTML for a section body (see the module's docstring).

    `references`: the plan's reference-link definitions (references.plan_references), which
    serve this text as if it were part of the whole document. `id_prefix`: what makes this
    text's footnote ids unique on its page (letters, digits, _), e.g. the section's position:
    "3" gives `user-content-fn-3-1`; "" gives `user-content-fn-1`."""
    if not ID_PREFIX.fullmatch(id_prefix):
        raise ValueError(f"id_prefix must be letters, digits or _, not {id_prefix!r}")
    with _no_cycle_collection():
        return _render_markdown(text, references, id_prefix)


def _render_markdown(text: str, references: dict | None, id_prefix: str) -> str:
    env = Rendering.env()
    own = _own(env)
    if references:
        env["references"] = dict(references)  # the parser adds the text's own to its copy
    if id_prefix:
        env[ID_PREFIX_KEY] = f"{id_prefix}-"
    lines = split_lines(text)
    skip = front_matter_line_count(lines)
    html = _front_matter_html(lines[:skip], own) if skip else ""
    html += _renderer().render("".join(lines[skip:]), env)
    return sanitize(html, own)


FRONT_MATTER_KEY = re.compile(r"([^\s#:\-\[\]{}][^:]*?)[ \t]*:(?:[ \t]+(.*?))?[ \t]*")
QUOTED = re.compile(r"\"(.*)\"|'(.*)'")


def front_matter_rows(lines: list[str]) -> list[tuple[str, str]] | None:
    """(key, value) for each top-level key of the front matter `lines` (its `---` lines
    included), a value as its text: a quoted one without its quotes, a nested one (the indented
    lines or list items under its key) as its lines. None when a line fits no key."""
    rows: list[tuple[str, list[str]]] = []
    for line in lines[1:-1]:
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key = FRONT_MATTER_KEY.fullmatch(line)
        if key:
            value = key.group(2) or ""
            quoted = QUOTED.fullmatch(value)
            if quoted:
                value = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
            rows.append((key.group(1), [value] if value else []))
        elif rows:
            rows[-1][1].append(line.strip())
        else:
            return None
    return [(key, "\n".join(values)) for key, values in rows]


def _front_matter_html(lines: list[str], own: OwnAttributes) -> str:
    """YAML front matter as GitHub shows it, a table (key, value), or as code when it is no
    list of keys."""
    rows = front_matter_rows(lines)
    if not rows:
        return f'<pre {own.class_}="front-matter"><code>{escape("".join(lines))}</code></pre>\n'
    cells = "".join(
        f'<tr><th {own.dir}="auto">{escape(key)}</th>'
        f'<td {own.dir}="auto">{escape(value).replace(chr(10), "<br>")}</td></tr>\n'
        for key, value in rows
    )
    return f'<table {own.class_}="front-matter">\n<tbody>\n{cells}</tbody>\n</table>\n'


def render_heading(text: str) -> str:
    """Safe inline HTML for a heading's text (emphasis, code, links): inline syntax only, so
    “1. OBJECTIVE” stays a heading's text and never becomes a list."""
    env = Rendering.env()
    with _no_cycle_collection():
        return sanitize(_renderer().renderInline(text, env), _own(env))
