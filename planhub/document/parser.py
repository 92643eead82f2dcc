"""The Markdown parser behind every rendering: markdown-it-py's CommonMark with GFM tables,
strikethrough and task lists, bounded so that its work grows linearly with the text.

markdown-it-py is linear for almost everything; what is not, and how it is bounded:
- link and image labels: every `[` and `![` looks ahead for its `]`, through nested brackets
  down to `maxNesting` (20) levels, about 40 look-ahead steps per character of `![![![…`.
  A document gets LINK_LABEL_STEPS_PER_CHAR steps per character of its text, at least
  LINK_LABEL_STEPS_MIN (real documents use a tenth of that); once they are spent, the
  remaining brackets are plain text.
  Destinations nest parentheses LINK_DESTINATION_NESTING deep, not 32;
- table rows shorter than the header are padded with empty cells, up to 65,536 per table,
  so a text made of small tables expands 370-fold. A document gets one padding cell per
  CHARS_PER_PADDED_CELL characters, at least PADDED_CELLS_MIN; a row that would pass that
  ends its table, as a row past markdown-it's own limit does;
- task lists (mdit-py-plugins) look backwards from every item for its list: quadratic in a
  long list. `task_lists` does the same in one pass.
Within these allowances the output is exactly markdown-it-py's (the test corpus of real
documents checks it); only texts built to be slow render differently, and still safely.
Raw HTML is bounded where it is rendered (rendering.py, with `open_raw_html` and the same
per-document `Budget`): the sanitizer's HTML parser is quadratic in the depth it leaves open.
Code highlighting has its own allowance (highlighting.py).
"""

import re
from dataclasses import dataclass
from types import SimpleNamespace

from markdown_it import MarkdownIt
from markdown_it.common.utils import charCodeAt, charStrAt, isStrSpace, mdTrim, unescapeAll
from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.helpers.parse_link_destination import _Result
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import escapedSplit, getLine, headerLineRe
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

LINK_LABEL_STEPS_PER_CHAR = 0.25
LINK_LABEL_STEPS_MIN = 10_000
# How deep a link destination's parentheses may nest (markdown-it and cmark allow 32): every
# "[a](" scans ahead through them, and "![a](![a](![a](…" makes each scan 32 others.
LINK_DESTINATION_NESTING = 8
CHARS_PER_PADDED_CELL = 50
PADDED_CELLS_MIN = 2_000
# Elements that raw HTML may leave open at once. The sanitizer's HTML parser checks scopes by
# walking the open elements, so a text of 20,000 unclosed <div>s costs it quadratic time.
RAW_HTML_OPEN_MAX = 100

BUDGET_KEY = "planhub_budget"


@dataclass
class Budget:
    """What one document may still spend: see the module's docstring."""

    link_label_steps: int
    padded_cells: int
    raw_html_open: int = 0  # elements raw HTML has opened and not closed, so far

    @classmethod
    def for_text(cls, text: str) -> "Budget":
        return cls(
            link_label_steps=max(LINK_LABEL_STEPS_MIN, int(LINK_LABEL_STEPS_PER_CHAR * len(text))),
            padded_cells=max(PADDED_CELLS_MIN, len(text) // CHARS_PER_PADDED_CELL),
        )


def budget(env) -> Budget:
    return env[BUDGET_KEY]


class BoundedMarkdownIt(MarkdownIt):
    """A MarkdownIt that gives every document it parses its own `Budget` (in `env`)."""

    def parse(self, src, env=None):
        env = {} if env is None else env
        env.setdefault(BUDGET_KEY, Budget.for_text(src))
        return super().parse(src, env)

    def parseInline(self, src, env=None):
        env = {} if env is None else env
        env.setdefault(BUDGET_KEY, Budget.for_text(src))
        return super().parseInline(src, env)


def parse_link_label(state: StateInline, start: int, disableNested: bool = False) -> int:
    """markdown_it.helpers.parseLinkLabel, spending the document's look-ahead steps: the end
    of the label that starts at `start` (a "["), or -1 (none, or the steps are spent)."""
    allowance = budget(state.env)
    old_pos = state.pos
    state.pos = start + 1
    level = 1
    found = False
    while state.pos < state.posMax:
        if allowance.link_label_steps <= 0:
            break
        allowance.link_label_steps -= 1
        marker = state.src[state.pos]
        if marker == "]":
            level -= 1
            if level == 0:
                found = True
                break
        previous = state.pos
        state.md.inline.skipToken(state)
        if marker == "[":
            if previous == state.pos - 1:
                level += 1  # a "[" that is text, not part of any token
            elif disableNested:
                state.pos = old_pos
                return -1
    label_end = state.pos if found else -1
    state.pos = old_pos
    return label_end


def parse_link_destination(string: str, pos: int, maximum: int):
    """markdown_it.helpers.parseLinkDestination (MIT licence), with parentheses nested at most
    LINK_DESTINATION_NESTING deep."""
    if charCodeAt(string, pos) == 0x3C:  # <
        return parseLinkDestination(string, pos, maximum)  # ends at the line's end or a "<"
    result = _Result()
    start = pos
    level = 0
    while pos < maximum:
        code = charCodeAt(string, pos)
        if code is None or code == 0x20:
            break
        if code < 0x20 or code == 0x7F:  # ASCII control characters
            break
        if code == 0x5C and pos + 1 < maximum:  # \
            if charCodeAt(string, pos + 1) == 0x20:
                break
            pos += 2
            continue
        if code == 0x28:  # (
            level += 1
            if level > LINK_DESTINATION_NESTING:
                return result
        if code == 0x29:  # )
            if level == 0:
                break
            level -= 1
        pos += 1
    if start == pos or level != 0:
        return result
    result.str = unescapeAll(string[start:pos])
    result.pos = pos
    result.ok = True
    return result


def table(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """markdown-it-py's GFM table rule (markdown_it/rules_block/table.py, MIT licence), with
    the padding of short rows taken from the document's budget rather than 65,536 cells per
    table."""
    tbodyLines = None
    if startLine + 2 > endLine:
        return False
    nextLine = startLine + 1
    if state.sCount[nextLine] < state.blkIndent:
        return False
    if state.is_code_block(nextLine):
        return False

    # The delimiter row: '|', '-', ':' and spaces only, starting with one of the first three.
    pos = state.bMarks[nextLine] + state.tShift[nextLine]
    if pos >= state.eMarks[nextLine]:
        return False
    first_ch = state.src[pos]
    pos += 1
    if first_ch not in ("|", "-", ":"):
        return False
    if pos >= state.eMarks[nextLine]:
        return False
    second_ch = state.src[pos]
    pos += 1
    if second_ch not in ("|", "-", ":") and not isStrSpace(second_ch):
        return False
    if first_ch == "-" and isStrSpace(second_ch):
        return False  # a list item, not a table
    while pos < state.eMarks[nextLine]:
        ch = state.src[pos]
        if ch not in ("|", "-", ":") and not isStrSpace(ch):
            return False
        pos += 1

    lineText = getLine(state, startLine + 1)
    columns = lineText.split("|")
    aligns = []
    for i in range(len(columns)):
        t = mdTrim(columns[i])
        if not t:
            # empty columns are allowed before and after the table, not in between
            if i == 0 or i == len(columns) - 1:
                continue
            return False
        if not headerLineRe.search(t):
            return False
        if charStrAt(t, len(t) - 1) == ":":
            aligns.append("center" if charStrAt(t, 0) == ":" else "right")
        elif charStrAt(t, 0) == ":":
            aligns.append("left")
        else:
            aligns.append("")

    lineText = mdTrim(getLine(state, startLine))
    if "|" not in lineText:
        return False
    if state.is_code_block(startLine):
        return False
    columns = escapedSplit(lineText)
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()

    # The header row sets the number of columns of the whole table.
    columnCount = len(columns)
    if columnCount == 0 or columnCount != len(aligns):
        return False
    if silent:
        return True

    oldParentType = state.parentType
    state.parentType = "table"
    # 'blockquote' lists end a table: it is the most similar block
    terminatorRules = state.md.block.ruler.getRules("blockquote")

    token = state.push("table_open", "table", 1)
    token.map = tableLines = [startLine, 0]
    token = state.push("thead_open", "thead", 1)
    token.map = [startLine, startLine + 1]
    token = state.push("tr_open", "tr", 1)
    token.map = [startLine, startLine + 1]
    for i in range(len(columns)):
        token = state.push("th_open", "th", 1)
        if aligns[i]:
            token.attrs = {"style": "text-align:" + aligns[i]}
        token = state.push("inline", "", 0)
        token.map = [startLine, startLine + 1]
        token.content = mdTrim(columns[i])
        token.children = []
        token = state.push("th_close", "th", -1)
    token = state.push("tr_close", "tr", -1)
    token = state.push("thead_close", "thead", -1)

    allowance = budget(state.env)
    nextLine = startLine + 2
    while nextLine < endLine:
        if state.sCount[nextLine] < state.blkIndent:
            break
        if any(rule(state, nextLine, endLine, True) for rule in terminatorRules):
            break
        lineText = mdTrim(getLine(state, nextLine))
        if not lineText:
            break
        if state.is_code_block(nextLine):
            break
        columns = escapedSplit(lineText)
        if columns and columns[0] == "":
            columns.pop(0)
        if columns and columns[-1] == "":
            columns.pop()

        padding = max(0, columnCount - len(columns))
        if padding > allowance.padded_cells:
            break
        allowance.padded_cells -= padding

        if nextLine == startLine + 2:
            token = state.push("tbody_open", "tbody", 1)
            token.map = tbodyLines = [startLine + 2, 0]
        token = state.push("tr_open", "tr", 1)
        token.map = [nextLine, nextLine + 1]
        for i in range(columnCount):
            token = state.push("td_open", "td", 1)
            if aligns[i]:
                token.attrs = {"style": "text-align:" + aligns[i]}
            token = state.push("inline", "", 0)
            token.map = [nextLine, nextLine + 1]
            try:
                token.content = mdTrim(columns[i]) if columns[i] else ""
            except IndexError:
                token.content = ""
            token.children = []
            token = state.push("td_close", "td", -1)
        token = state.push("tr_close", "tr", -1)
        nextLine += 1

    if tbodyLines:
        token = state.push("tbody_close", "tbody", -1)
        tbodyLines[1] = nextLine
    token = state.push("table_close", "table", -1)
    tableLines[1] = nextLine
    state.parentType = oldParentType
    state.line = nextLine
    return True


TODO_MARK = re.compile(r"\[[ xX]\][ \t\n\v\f\r]+")


def task_lists(state: StateCore) -> None:
    """GFM task lists, as mdit-py-plugins' tasklists plugin makes them (its classes, a
    disabled checkbox), in one pass: a list item whose paragraph starts with `[ ]` or `[x]`
    gets the class task-list-item, its list contains-task-list, and its text a leading
    `task_checkbox` token (meta["checked"]: True, False, or None for no box)."""
    tokens = state.tokens
    open_tokens: list[int] = []  # indexes of the block tokens enclosing the current one
    for index, token in enumerate(tokens[:-1]):
        if (
            index >= 2
            and token.type == "inline"
            and tokens[index - 1].type == "paragraph_open"
            and tokens[index - 2].type == "list_item_open"
            and TODO_MARK.match(token.content)
        ):
            _add_checkbox(token)
            tokens[index - 2].attrSet("class", "task-list-item")
            # Open here: ..., the list, the item, the item's paragraph.
            if len(open_tokens) >= 3:
                tokens[open_tokens[-3]].attrSet("class", "contains-task-list")
        if token.nesting == 1:
            open_tokens.append(index)
        elif token.nesting == -1 and open_tokens:
            open_tokens.pop()


def _add_checkbox(token: Token) -> None:
    assert token.children is not None
    checkbox = Token("task_checkbox", "input", 0)
    # The plugin draws a box only when the mark is followed by a space.
    if token.content.startswith("[ ] "):
        checkbox.meta = {"checked": False}
    elif token.content.startswith(("[x] ", "[X] ")):
        checkbox.meta = {"checked": True}
    else:
        checkbox.meta = {"checked": None}
    token.children.insert(0, checkbox)
    token.children[1].content = token.children[1].content[3:]
    token.content = token.content[3:]


RAW_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta"}
    | {"param", "source", "track", "wbr"}
)


def open_raw_html(allowance: Budget, html: str) -> bool:
    """Count the elements that raw HTML `html` opens and closes (an upper bound: every start
    tag of an element that is not void opens one): True when the document then still leaves
    at most RAW_HTML_OPEN_MAX open, False (and nothing counted) when `html` would pass it."""
    still_open = allowance.raw_html_open
    for tag in RAW_TAG.finditer(html):
        if tag.group(1):
            still_open = max(0, still_open - 1)
        elif tag.group(2).lower() not in VOID_ELEMENTS:
            still_open += 1
            if still_open > RAW_HTML_OPEN_MAX:
                return False
    allowance.raw_html_open = still_open
    return True


def bounded_markdown(**options) -> BoundedMarkdownIt:
    """CommonMark (html allowed as `options` say) with GFM tables, strikethrough and task
    lists, bounded as the module's docstring says. Render `task_checkbox` tokens yourself."""
    md = BoundedMarkdownIt("commonmark", options)
    md.helpers = SimpleNamespace(
        parseLinkLabel=parse_link_label,
        parseLinkDestination=parse_link_destination,
        parseLinkTitle=parseLinkTitle,
    )
    md.block.ruler.at("table", table, {"alt": ["paragraph", "reference"]})
    md.enable(["table", "strikethrough"])
    md.core.ruler.after("inline", "task_lists", task_lists)
    return md
