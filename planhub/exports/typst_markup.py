"""A section's rendered, sanitized HTML as Typst markup, for the PDF (exports/typst_pdf.py).

The input is `Section.body_html`: the sanitizer (document/rendering.py) leaves only the tags in
`ALLOWED_TAGS`, so this converter knows every element it can meet. It parses the HTML with the
standard library's parser into a small tree and writes Typst markup in one pass (linear in the
input). All user text goes out as Typst string literals (`#"…"`), so no text can be read as
Typst syntax.

Mermaid diagrams are drawn in the worker (exports/diagrams.py), after the document is captured:
the markup calls `planhub-diagram(key, source)` (defined in PREAMBLE), which draws the SVG
passed in `sys.inputs` under `diagram-svg-<key>` or prints the source with the error under
`diagram-error-<key>` (see `diagram_inputs`).

Paper rules kept here (the page setup, fonts and headings are typst_pdf.py's):
- headings inside a body are bold blocks kept with what follows, never Typst headings (they
  would enter the outline);
- checklists: ☐/☑ in a column of their own, wrapped lines aligned under the text, nested to
  any depth (past a nesting budget containers print flat: Typst stops at ~35 nested layouts);
- tables repeat their header rows on each page; a small one is never split: at most
  SMALL_TABLE_ROWS rows, only text in its cells, and an estimated height (70 characters
  across the text width, 16 pt a line) under an A4 page's text height, so that a table kept
  whole never runs off a page (Typst measuring each table at layout time cost ~30 % of the
  whole plan's compilation); a longer one breaks between rows;
- long unbroken words (paths, URLs, identifiers) get zero-width spaces (U+200B) as break
  opportunities in the displayed text only (never in link targets); copying such a word from
  the PDF may give those invisible characters with it;
- a block whose first strong character is right-to-left is set right to left (as dir="auto").
"""

import base64
import hashlib
import io
import re
import unicodedata
from collections.abc import Mapping
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote

from .diagrams import Diagram

PREAMBLE = """
#let planhub-code(body) = block(
  fill: luma(246), stroke: 0.5pt + luma(215), inset: 6pt, radius: 2pt, width: 100%,
  { set par(justify: false); set text(size: 0.9em); body },
)
#let planhub-diagram(key, source) = {
  let svg = sys.inputs.at("diagram-svg-" + key, default: none)
  let first = source.trim().split("\\n").at(0, default: "").trim()
  let alt = if first == "" { "Diagram" } else { "Diagram: " + first }
  if svg != none {
    block(breakable: false, width: 100%, above: 1em, below: 1em, layout(size => context {
      let data = bytes(svg)
      let limit = if type(page.height) == length { page.height * 0.8 } else { 20cm }
      // its own size, made smaller to fit the text width and 80 % of the page height
      let natural = measure(image(data, format: "svg"))
      let width = if natural.width > 0pt { calc.min(natural.width, size.width) } else { size.width }
      let height = if natural.width > 0pt { natural.height * (width / natural.width) } else { 0pt }
      align(center, if height > limit {
        image(data, format: "svg", height: limit, alt: alt)
      } else {
        image(data, format: "svg", width: width, alt: alt)
      })
    }))
  } else {
    block(sticky: true, below: 0.5em, strong[Diagram (Mermaid source)])
    let error = sys.inputs.at("diagram-error-" + key, default: none)
    if error != none { block(sticky: true, below: 0.5em, [Could not draw: #error]) }
    planhub-code(raw(source))
  }
}
#let planhub-heading(level, body) = block(
  sticky: true, above: 1.1em, below: 0.6em,
  text(size: (1.25em, 1.15em, 1.08em, 1em, 1em, 1em).at(level - 1), weight: "bold", body),
)
#let planhub-quote(body) = block(
  inset: (left: 0.9em, y: 0.2em), stroke: (left: 2pt + luma(200)), body,
)
#let planhub-kbd(body) = box(
  stroke: 0.5pt + luma(150), radius: 2pt, inset: (x: 0.25em), outset: (y: 0.2em),
  text(size: 0.9em, raw(body)),
)
#let planhub-task(state, body) = grid(
  columns: (1.3em, 1fr),
  text(font: ("DejaVu Sans", "Noto Sans Symbols 2"), fallback: true,
    if state == true [☑] else if state == false [☐] else [•]),
  body,
)
#let planhub-table(small, columns, ..cells) = {
  let t = table(
    columns: columns, stroke: 0.5pt + luma(180), inset: 5pt, align: left, ..cells,
  )
  if small { block(breakable: false, t) } else { t }
}
#let planhub-ref(name, body) = context {
  let found = query(label(name))
  if found.len() > 0 { link(found.first().location(), body) } else { body }
}
#let planhub-anchor(name) = [#metadata(none)#label(name)]
#let planhub-image(data, alt) = layout(size => {
  let img = image(data, alt: alt)
  if measure(img).width > size.width { image(data, alt: alt, width: 100%) } else { img }
})
"""

# Nesting budget: each container costs Typst layout levels (a list 2, a checklist 3 with its
# grid, a table 4 with its block and cells, a quote 2); past the budget, containers print flat
# (Typst stops at ~35 nested layouts: 100 nested lists must still compile).
MAX_DEPTH = 24
LIST_COST, TASK_COST, TABLE_COST, QUOTE_COST = 2, 3, 4, 2
SMALL_TABLE_ROWS = 25
SMALL_TABLE_HEIGHT = 620  # points (an A4 page's text is ~700 pt high)
ROW_PADDING, LINE_HEIGHT, LINE_CHARS = 10, 16, 70  # points, points, characters across a row
NOT_SMALL_CONTENT = frozenset({"table", "ul", "ol", "pre", "blockquote", "img", "div", "dl"})
MAX_SPAN = 100
LONG_WORD = 30  # unbroken runs longer than this get break opportunities
BREAK_EVERY = 20
ZWSP = "\u200b"
IMAGE_BYTES = 512 * 1024
IMAGE_PIXELS = 4_000_000

# The Pygments classes printed in colour (the same choice as exports/printing.py's
# PRINTED_CODE_COLOURS; colours of static/css/pygments.css): comments, strings, keywords.
CODE_COLOURS = (
    dict.fromkeys(("c", "c1", "cm", "ch", "cs", "cp", "cpf"), '"#3D7B7B"')
    | dict.fromkeys(
        ("s", "s1", "s2", "sb", "sc", "sd", "se", "sh", "si", "sx", "sr", "ss", "dl"), '"#BA2121"'
    )
    | dict.fromkeys(("k", "kc", "kd", "kn", "kp", "kr", "kt", "ow"), '"#008000"')
)

VOID = frozenset({"br", "hr", "img", "input", "wbr"})
INLINE = frozenset(
    {"a", "abbr", "b", "br", "code", "del", "em", "i", "img", "input", "ins", "kbd", "mark"}
    | {"s", "span", "strong", "sub", "sup", "wbr"}
)
WHITESPACE = re.compile(r"[ \t\n\r\f]+")
LONG_RUN = re.compile(rf"[^\s\u200b]{{{LONG_WORD + 1},}}")
BREAK_AFTER = frozenset("/-_.?&=:,;\\|")
ALIGNMENT = re.compile(r"text-align:\s*(left|center|right)")
DATA_IMAGE = re.compile(r"data:image/(png|jpeg|jpg);base64,([A-Za-z0-9+/=\s]+)\Z")
STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def escape_string(text: str) -> str:
    """`text` as a Typst string literal (quotes included)."""
    return '"' + text.translate(STRING_ESCAPES) + '"'


def text_markup(text: str) -> str:
    """Plain `text` as Typst markup that shows exactly that text."""
    return f"#{escape_string(text)}" if text else ""


def diagram_key(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def diagram_inputs(drawings: Mapping[str, Diagram]) -> dict[str, str]:
    """`sys.inputs` for typst.compile: each drawing's SVG or error, by its source's key."""
    inputs = {}
    for source, diagram in drawings.items():
        if diagram.svg is not None:
            inputs[f"diagram-svg-{diagram_key(source)}"] = diagram.svg
        elif diagram.error:
            inputs[f"diagram-error-{diagram_key(source)}"] = diagram.error
    return inputs


def breakable(text: str) -> str:
    """`text` with zero-width spaces in its long unbroken runs: after path and URL
    punctuation, and every BREAK_EVERY characters where there is none."""
    if len(text) <= LONG_WORD:
        return text
    return LONG_RUN.sub(_break_run, text)


def _break_run(match: re.Match) -> str:
    out = []
    since = 0
    for char in match.group(0):
        out.append(char)
        since += 1
        if char in BREAK_AFTER or since >= BREAK_EVERY:
            out.append(ZWSP)
            since = 0
    if out[-1] == ZWSP:
        out.pop()
    return "".join(out)


# --- the tree ------------------------------------------------------------------------------


class Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node | str] = []

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)(\s[^>"]*(?:"[^"]*"[^>"]*)*)?/?>')
ATTRIBUTE = re.compile(r'([^\s"\'<>/=]+)(?:\s*=\s*"([^"]*)")?')


def parse(html: str) -> Node:
    """The tree of `html`. The sanitizer's serialization (tags, double-quoted attributes, `<`
    always escaped in text) is read with one regular expression, several times faster than
    html.parser; anything else (a comment, a stray `<`) goes through html.parser."""
    root = Node("root", {})
    stack = [root]
    position = 0
    for match in TAG.finditer(html):
        if match.start() > position:
            if "<" in html[position : match.start()]:
                return _parse_slowly(html)
            _text(stack[-1], html[position : match.start()])
        position = match.end()
        closing, tag, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            for index in range(len(stack) - 1, 0, -1):
                if stack[index].tag == tag:
                    del stack[index:]
                    break
            continue
        attrs = {}
        if attributes:
            for name, value in ATTRIBUTE.findall(attributes):
                attrs[name.lower()] = unescape(value) if "&" in value else value
        node = Node(tag, attrs)
        stack[-1].children.append(node)
        if tag not in VOID:
            stack.append(node)
    if position < len(html):
        if "<" in html[position:]:
            return _parse_slowly(html)
        _text(stack[-1], html[position:])
    return root


def _parse_slowly(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _text(parent: Node, data: str) -> None:
    parent.children.append(unescape(data) if "&" in data else data)


def text_content(node: Node | str) -> str:
    if isinstance(node, str):
        return node
    parts: list[str] = []
    stack: list[Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        else:
            stack.extend(reversed(item.children))
    return "".join(parts)


def _first_strong_rtl(nodes) -> bool:
    """Whether the first strongly directional character in `nodes` is right-to-left."""
    stack = list(reversed(nodes))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item.isascii():
                if any(c.isalpha() for c in item):
                    return False
                continue
            for char in item:
                kind = unicodedata.bidirectional(char)
                if kind == "L":
                    return False
                if kind in ("R", "AL"):
                    return True
        elif item.tag not in ("pre", "code", "img", "input"):
            stack.extend(reversed(item.children))
    return False


def diagram_sources(html: str) -> list[str]:
    """The mermaid sources of a body, as `body_markup` keys them (text content, entities
    decoded), in order."""
    sources = []
    stack: list[Node | str] = [parse(html)]
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            if item.tag == "div" and "mermaid" in item.classes:
                sources.append(text_content(item))
            else:
                stack.extend(reversed(item.children))
    return sources


# --- the writer ----------------------------------------------------------------------------


class _Writer:
    def __init__(self, labels: frozenset[str], anchors: dict[str, str]):
        self.labels = labels
        self.anchors = anchors  # element id -> its Typst label name (ids unique in the body)
        self.in_table = 0

    # blocks

    def flow(self, children, depth: int) -> str:
        """Children of a block: runs of inline content as paragraphs, blocks between them."""
        blocks: list[str] = []
        run: list[Node | str] = []
        for child in children:
            if isinstance(child, str) or child.tag in INLINE:
                run.append(child)
                continue
            if run:
                self._paragraph(run, blocks)
                run = []
            block = self.block(child, depth)
            if block:
                blocks.append(block)
        if run:
            self._paragraph(run, blocks)
        return "\n\n".join(blocks)

    def _paragraph(self, run, blocks: list[str]) -> None:
        markup = self.inline_run(run)
        if markup:
            blocks.append(self.directed(run, markup))

    def directed(self, nodes, markup: str) -> str:
        if _first_strong_rtl(nodes):
            return f"#[#set text(dir: rtl)\n{markup}]"
        return markup

    def block(self, node: Node, depth: int) -> str:
        tag = node.tag
        if "sr-only" in node.attrs.get("class", ""):
            return ""  # for screen readers on the page (GitHub's "Footnotes" heading)
        anchor = self.anchor(node)
        if tag == "p":
            markup = self.inline_run(node.children)
            markup = self.directed(node.children, markup) if markup else ""
        elif tag in ("ul", "ol"):
            markup = self.list_(node, depth)
        elif tag == "pre":
            markup = self.code(node)
        elif tag == "div" and "mermaid" in node.classes:
            source = text_content(node)
            markup = (
                f"#planhub-diagram({escape_string(diagram_key(source))}, "
                f"{escape_string(source.strip(chr(10)))})"
            )
        elif tag == "table":
            markup = self.table(node, depth)
        elif tag == "blockquote":
            inner = self.flow(node.children, depth + QUOTE_COST)
            markup = f"#planhub-quote[{inner}]" if depth < MAX_DEPTH else inner
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            inner = self.inline_run(node.children)
            markup = f"#planhub-heading({tag[1]}, [{self.directed(node.children, inner)}])"
        elif tag == "hr":
            markup = "#line(length: 100%, stroke: 0.5pt + luma(160))"
        elif tag == "dt":
            inner = self.flow(node.children, depth + QUOTE_COST)
            markup = f"#block(sticky: true, below: 0.5em, strong[{inner}])"
        elif tag == "dd":
            inner = self.flow(node.children, depth + QUOTE_COST)
            markup = f"#pad(left: 1.5em)[{inner}]" if depth < MAX_DEPTH else inner
        else:  # div, section, dl, li/tr/td out of place, …: their content
            markup = self.flow(node.children, depth)
        return anchor + markup if anchor and markup else markup or anchor

    def anchor(self, node: Node) -> str:
        name = self.anchors.get(node.attrs.get("id", ""))
        return f"#planhub-anchor({escape_string(name)})" if name else ""

    # lists

    def list_(self, node: Node, depth: int) -> str:
        items = [c for c in node.children if isinstance(c, Node) and c.tag == "li"]
        if not items:
            return self.flow(node.children, depth)
        ordered = node.tag == "ol"
        start = _integer(node.attrs.get("start"), 1, 0, 10**9) if ordered else 1
        if depth >= MAX_DEPTH:
            return self.flat_list(items, ordered, start, depth)
        tasks = any("task-list-item" in item.classes for item in items)
        tight = not any(
            isinstance(c, Node) and c.tag == "p" for item in items for c in item.children
        )
        bodies = []
        for item in items:
            state, children = _task_state(item) if tasks else (None, item.children)
            body = self.flow(children, depth + (TASK_COST if tasks else LIST_COST))
            if tasks:
                body = f"#planhub-task({state}, [{body}])"
            bodies.append(f"[{self.anchor(item)}{body}]")
        options = [f"tight: {'true' if tight else 'false'}"]
        if ordered:
            options.append(f"start: {start}")
        elif tasks:
            options.append("marker: [], body-indent: 0pt")
        function = "enum" if ordered else "list"
        return f"#{function}({', '.join(options)}, {', '.join(bodies)})"

    def flat_list(self, items, ordered: bool, start: int, depth: int) -> str:
        paragraphs = []
        for number, item in enumerate(items, start):
            state, children = _task_state(item)
            marker = {True: "☑", False: "☐"}.get(state, f"{number}." if ordered else "•")
            body = self.flow(children, depth)
            paragraphs.append(f"{self.anchor(item)}{text_markup(marker + ' ')}{body}")
        return "\n\n".join(paragraphs)

    # code

    def code(self, node: Node) -> str:
        pieces: list[tuple[str, str | None]] = []
        stack: list[tuple[Node | str, str | None]] = [(node, None)]
        while stack:
            item, colour = stack.pop()
            if isinstance(item, str):
                if pieces and pieces[-1][1] == colour:
                    pieces[-1] = (pieces[-1][0] + item, colour)
                else:
                    pieces.append((item, colour))
                continue
            if item.tag == "span":
                classes = item.classes
                if classes:
                    colour = CODE_COLOURS.get(classes[0])
            stack.extend((child, colour) for child in reversed(item.children))
        if pieces:
            last, colour = pieces[-1]
            pieces[-1] = (last.removesuffix("\n"), colour)
        out = []
        for text, colour in pieces:
            if not text:
                continue
            raw = f"raw({escape_string(breakable(text))})"
            out.append(f"#text(fill: rgb({colour}), {raw})" if colour else f"#{raw}")
        return f"#planhub-code[{''.join(out)}]"

    # tables

    def table(self, node: Node, depth: int) -> str:
        head: list[Node] = []
        body: list[Node] = []
        for child in node.children:
            if not isinstance(child, Node):
                continue
            if child.tag == "tr":
                body.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows = [r for r in child.children if isinstance(r, Node) and r.tag == "tr"]
                (head if child.tag == "thead" else body).extend(rows)
        if not head and body and _all_header_cells(body[0]):
            head, body = body[:1], body[1:]
        if not head and not body:
            return ""
        if depth >= MAX_DEPTH:
            return "\n\n".join(self.flow(row.children, depth) for row in head + body)
        placed_head, head_width = _place(head, 0)
        placed_body, body_width = _place(body, len(head))
        columns = max(head_width, body_width, 1)
        # measured (PREAMBLE) only at the outermost table: measuring nested ones multiplies
        small = (
            not self.in_table
            and len(head) + len(body) <= SMALL_TABLE_ROWS
            and _estimated_height(head + body, max(head_width, body_width, 1)) <= SMALL_TABLE_HEIGHT
        )
        self.in_table += 1
        try:
            columns = max(head_width, body_width, 1)
            regular = _regular(placed_head, len(head), columns) and _regular(
                placed_body, len(body), columns
            )
            placed_cells = [
                self.cells(placed_head, depth, regular),
                self.cells(placed_body, depth, regular),
            ]
        finally:
            self.in_table -= 1
        cells_out = [f"table.header({placed_cells[0]})"] if head else []
        if body:
            cells_out.append(placed_cells[1])
        small_flag = "true" if small else "false"
        return f"#planhub-table({small_flag}, {columns}, {', '.join(cells_out)})"

    def cells(self, placed, depth: int, regular: bool) -> str:
        """Cells, at their grid positions unless the table is `regular` (Typst would flow a
        short row's cells on into the next row)."""
        out = []
        for cell, x, y, colspan, rowspan in placed:
            inner = self.flow(cell.children, depth + TABLE_COST)
            if cell.tag == "th":
                inner = f"#strong[{inner}]"
            options = [] if regular else [f"x: {x}", f"y: {y}"]
            if colspan > 1:
                options.append(f"colspan: {colspan}")
            if rowspan > 1:
                options.append(f"rowspan: {rowspan}")
            align = ALIGNMENT.search(cell.attrs.get("style", ""))
            align_value = align.group(1) if align else cell.attrs.get("align")
            if align_value in ("left", "center", "right"):
                options.append(f"align: {align_value}")
            if options:
                out.append(f"table.cell({', '.join(options)})[{self.anchor(cell)}{inner}]")
            else:
                out.append(f"[{self.anchor(cell)}{inner}]")
        return ", ".join(out)

    # inline

    def inline_run(self, nodes) -> str:
        """Inline nodes as markup, whitespace collapsed, the run's ends trimmed."""
        nodes = list(nodes)
        if nodes and isinstance(nodes[0], str):
            nodes[0] = nodes[0].lstrip(" \t\n\r\f")
        if nodes and isinstance(nodes[-1], str):
            nodes[-1] = nodes[-1].rstrip(" \t\n\r\f")
        return "".join(self.inline(node) for node in nodes)

    def inline(self, node: Node | str) -> str:
        if isinstance(node, str):
            return text_markup(breakable(WHITESPACE.sub(" ", node)))
        tag = node.tag
        anchor = self.anchor(node)
        if tag in ("em", "i"):
            markup = f"#emph[{self.inlines(node)}]"
        elif tag in ("strong", "b"):
            markup = f"#strong[{self.inlines(node)}]"
        elif tag in ("del", "s"):
            markup = f"#strike[{self.inlines(node)}]"
        elif tag == "ins":
            markup = f"#underline[{self.inlines(node)}]"
        elif tag == "mark":
            markup = f"#highlight[{self.inlines(node)}]"
        elif tag == "sub":
            markup = f"#sub[{self.inlines(node)}]"
        elif tag == "sup":
            markup = f"#super[{self.inlines(node)}]"
        elif tag == "code":
            text = WHITESPACE.sub(" ", text_content(node))
            markup = f"#raw({escape_string(breakable(text))})" if text else ""
        elif tag == "kbd":
            markup = f"#planhub-kbd({escape_string(WHITESPACE.sub(' ', text_content(node)))})"
        elif tag == "br":
            markup = "#linebreak()"
        elif tag == "a":
            markup = self.link(node)
        elif tag == "img":
            markup = _image(node)
        elif tag == "input":
            if node.attrs.get("type", "").lower() != "checkbox":
                markup = ""
            else:
                markup = text_markup("☑" if "checked" in node.attrs else "☐")
        else:  # span, abbr, and any block met inside inline content
            markup = self.inlines(node) if tag in INLINE else self.block(node, MAX_DEPTH)
        return anchor + markup

    def inlines(self, node: Node) -> str:
        return "".join(self.inline(child) for child in node.children)

    def link(self, node: Node) -> str:
        href = node.attrs.get("href", "").strip()
        content = self.inlines(node)
        if href.startswith("#"):
            target = self.internal_target(unquote(href[1:]))
            if target is None:
                return content
            kind, name = target
            if kind == "heading":
                return f"#link(label({escape_string(name)}))[{content}]"
            return f"#planhub-ref({escape_string(name)}, [{content}])"
        scheme = href.split(":", 1)[0].lower() if ":" in href else ""
        if scheme in ("http", "https", "mailto"):
            return f"#link({escape_string(href)})[{content or text_markup(breakable(href))}]"
        return content

    def internal_target(self, fragment: str) -> tuple[str, str] | None:
        if fragment in self.anchors:
            return "anchor", self.anchors[fragment]
        slug = fragment.removeprefix("user-content-")
        if slug in self.labels:
            return "heading", "h/" + slug
        if fragment in self.labels:
            return "heading", "h/" + fragment
        return None


def _integer(value: str | None, default: int, low: int, high: int) -> int:
    if not value:
        return default
    try:
        number = int((value or "").strip())
    except ValueError:
        return default
    return min(max(number, low), high)


def _task_state(item: Node) -> tuple[str, list]:
    """A list item's checkbox state ("true", "false", or "none" for a plain item) and its
    children without the checkbox."""
    children = item.children
    for index, child in enumerate(children):
        if isinstance(child, str):
            if child.strip():
                break
            continue
        if child.tag == "input" and child.attrs.get("type", "").lower() == "checkbox":
            state = "true" if "checked" in child.attrs else "false"
            return state, children[:index] + children[index + 1 :]
        if child.tag == "p":  # a loose task list: the box is inside the paragraph
            state, inner = _task_state(child)
            if state != "none":
                paragraph = Node("p", child.attrs)
                paragraph.children = inner
                return state, children[:index] + [paragraph] + children[index + 1 :]
        break
    return "none", children


def _all_header_cells(row: Node) -> bool:
    cells = [c for c in row.children if isinstance(c, Node) and c.tag in ("td", "th")]
    return bool(cells) and all(c.tag == "th" for c in cells)


def _regular(placed, rows: int, columns: int) -> bool:
    """Whether cells fill every row exactly, without spans (then Typst places them alone)."""
    return len(placed) == rows * columns and all(c[3] == 1 and c[4] == 1 for c in placed)


def _estimated_height(rows: list[Node], columns: int) -> float:
    """A generous estimate of a table's height in points; infinite when a cell holds more
    than text (lists, code, nested tables, images …)."""
    per_line = max(LINE_CHARS // columns, 4)
    height = 0.0
    for row in rows:
        lines = 1
        for cell in row.children:
            if not isinstance(cell, Node):
                continue
            stack: list[Node | str] = [cell]
            cell_lines = 0
            while stack:
                item = stack.pop()
                if isinstance(item, str):
                    cell_lines += -(-len(item.strip()) // per_line)
                elif item.tag in NOT_SMALL_CONTENT:
                    return float("inf")
                else:
                    cell_lines += item.tag in ("br", "p", "hr")
                    stack.extend(item.children)
            lines = max(lines, cell_lines)
        height += ROW_PADDING + lines * LINE_HEIGHT
    return height


def _place(rows: list[Node], top: int) -> tuple[list[tuple[Node, int, int, int, int]], int]:
    """Each cell with its column, row (from `top`), colspan and rowspan, placed as HTML places
    them (skipping the slots of cells that span rows from above; spans kept inside `rows` and
    MAX_SPAN columns); and the grid's width."""
    taken: dict[int, set[int]] = {}
    placed = []
    width = 0
    for r, row in enumerate(rows):
        column = 0
        occupied = taken.get(r, set())
        for cell in row.children:
            if not isinstance(cell, Node) or cell.tag not in ("td", "th"):
                continue
            while column in occupied:
                column += 1
            if column >= MAX_SPAN:
                break
            colspan = _integer(cell.attrs.get("colspan"), 1, 1, MAX_SPAN - column)
            rowspan = _integer(cell.attrs.get("rowspan"), 1, 1, len(rows) - r)
            for below in range(r + 1, r + rowspan):
                taken.setdefault(below, set()).update(range(column, column + colspan))
            placed.append((cell, column, top + r, colspan, rowspan))
            column += colspan
            width = max(width, column)
    return placed, width


def _image(node: Node) -> str:
    alt = WHITESPACE.sub(" ", node.attrs.get("alt", "")).strip() or "image"
    data = _safe_image_bytes(node.attrs.get("src", ""))
    if data is None:
        return text_markup(breakable(f"[{alt}]"))
    return f"#planhub-image(bytes(({','.join(map(str, data))},)), {escape_string(alt)})"


def _safe_image_bytes(src: str) -> bytes | None:
    """A data: URL's PNG or JPEG bytes when they decode completely and are small; otherwise
    None (no other URL is fetched, no other format decoded)."""
    match = DATA_IMAGE.match(src.strip())
    if not match or len(match.group(2)) > IMAGE_BYTES * 4 // 3 + 4:
        return None
    try:
        data = base64.b64decode(match.group(2), validate=False)
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                return None
            if image.width * image.height > IMAGE_PIXELS:
                return None
            image.load()
    except Exception:  # noqa: BLE001 - any undecodable image prints as its alt text
        return None
    return data


def _anchors(root: Node, scope: str) -> dict[str, str]:
    """Element ids that occur once in the body, with their label names."""
    counts: dict[str, int] = {}
    stack: list[Node | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            element_id = item.attrs.get("id")
            if element_id:
                counts[element_id] = counts.get(element_id, 0) + 1
            stack.extend(item.children)
    return {i: scope + i for i, count in counts.items() if count == 1}


def body_markup(
    html: str, labels: frozenset[str] = frozenset(), label_scope: str | None = None
) -> str:
    """Typst markup for a section body's HTML. `labels`: the heading slugs that exist in the
    document (`href="#slug"` links to `label("h/" + slug)`). Element ids (footnotes) become
    labels named `label_scope + id`: pass a scope unique to the section (e.g. its slug + "/");
    by default it is derived from the body, so two sections' `fn-1` do not meet."""
    if label_scope is None:
        label_scope = "b" + hashlib.sha256(html.encode()).hexdigest()[:12] + "/"
    root = parse(html)
    anchors = _anchors(root, label_scope) if "id=" in html else {}
    return _Writer(labels, anchors).flow(root.children, 0)
