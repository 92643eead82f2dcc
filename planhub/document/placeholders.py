"""Template placeholders: the spots a template leaves to fill, in the syntaxes it declares.

A template (and each plan made from it) declares its placeholder syntaxes, a set of:
- `square`: `[Owner]` (the default);
- `needs_clarification`: the mark `NEEDS CLARIFICATION` (default on);
- `curly`: `{short title}` (MADR and many design-doc templates);
- `angle`: `<service name>`.

Placeholders are found only in the text a reader sees: the Markdown is parsed (the bounded
parser of parser.py, so the work stays linear) and only its text tokens are searched. Never a
placeholder: code spans, fenced and indented code (mermaid blocks too), HTML blocks, inline
HTML and comments, the text of links (inline, reference `[text][ref]` and shortcut `[ref]` when
a definition exists, in the text or in `references`), autolinks, images, footnotes `[^1]`,
task markers `[ ]`/`[x]`, escaped brackets `\\[…\\]`, and brackets glued to a word (a
mermaid node `A[Invoice]` written outside a code block, an index `items[0]`). `angle`: the
parser treats `<service name>` as an HTML tag; one whose name is not an HTML element is a
placeholder (nh3 would drop it from the page), a real tag (`<br>`, `<div class="x">`) never.

Sign-off lines are not counted: the names and dates in an Approvals list
(“- **Security Review**: [Name/Role] — [Date]”) or a “**Reviewed By:** [Name]” line are filled
in by the plan's sign-offs, which PlanHub records itself (planhub/reviews/signoffs.py reads
the slots from the same lines)."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from markdown_it.common.utils import normalizeReference
from markdown_it.rules_block import reference

from .parser import bounded_markdown

SQUARE = "square"
NEEDS_CLARIFICATION_SYNTAX = "needs_clarification"
CURLY = "curly"
ANGLE = "angle"
# In the order forms show them.
SYNTAXES = (SQUARE, NEEDS_CLARIFICATION_SYNTAX, CURLY, ANGLE)
DEFAULT_SYNTAXES = frozenset({SQUARE, NEEDS_CLARIFICATION_SYNTAX})


def default_syntaxes() -> list[str]:
    """The default as a stored (JSON) value: a fresh list each call."""
    return [s for s in SYNTAXES if s in DEFAULT_SYNTAXES]


def normalize_syntaxes(value) -> frozenset[str]:
    """A stored value (a list of names, None for the default) as a set of known syntaxes;
    unknown names are dropped."""
    if value is None:
        return DEFAULT_SYNTAXES
    if isinstance(value, str):
        value = value.split(",")
    return frozenset(name.strip() for name in value if name.strip() in SYNTAXES)


def ordered(syntaxes: Iterable[str]) -> list[str]:
    """`syntaxes` as stored: known names, in SYNTAXES order."""
    chosen = set(syntaxes)
    return [s for s in SYNTAXES if s in chosen]


# Within a run of visible text. \x00 stands for what breaks a placeholder: an escaped
# character, a code span, inline HTML, a link.
BRACKET_PATTERNS = {
    SQUARE: re.compile(r"\[([^\[\]\n\x00]+)\]"),
    CURLY: re.compile(r"\{([^{}\n\x00]+)\}"),
    ANGLE: re.compile(r"<([^<>\n\x00]+)>"),
}
CLOSERS = {SQUARE: "([", CURLY: "}", ANGLE: ""}
OPENERS = {SQUARE: "]!", CURLY: "{$#%", ANGLE: ""}
TASK_MARKS = {" ", "x", "X"}
NEEDS_CLARIFICATION = re.compile(r"NEEDS CLARIFICATION")
BREAK = "\x00"
START = "\x01"  # where a paragraph (a heading, a table cell) starts

# HTML elements: a tag with one of these names is HTML, not an `angle` placeholder.
HTML_ELEMENTS = frozenset(
    """a abbr address area article aside audio b base bdi bdo blockquote body br button canvas
    caption center cite code col colgroup data datalist dd del details dfn dialog div dl
    dt em embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head
    header hgroup hr html i iframe img input ins kbd label legend li link main map mark
    menu meta meter nav noscript object ol optgroup option output p param picture pre
    progress q rp rt ruby s samp script section select slot small source span strike
    strong style sub summary sup svg table tbody td template textarea tfoot th thead
    time title tr track tt u ul var video wbr""".split()  # noqa: SIM905
)
OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*>\s*$")


@dataclass(frozen=True)
class Spot:
    """One placeholder: its syntax, its name (“Owner”) and how it is written (“[Owner]”)."""

    syntax: str
    name: str
    written: str


_md = None
DEFINITIONS_KEY = "planhub_definitions"
# “- [Metric 1]: [Target]”: CommonMark reads a link definition (and shows nothing), but both
# halves are placeholders a template left to fill.
PLACEHOLDER_DEFINITION = re.compile(r"^\s*\[([^\[\]\n]+)\]:[ \t]*\[([^\[\]\s]+)\]\s*$")


def _recording_reference(state, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's link definitions, each one's text noted in env (`DEFINITIONS_KEY`)."""
    found = reference(state, start_line, end_line, silent)
    if found and not silent:
        text = state.getLines(start_line, state.line, state.blkIndent, False)
        state.env.setdefault(DEFINITIONS_KEY, []).append(text)
    return found


def _parser():
    global _md
    if _md is None:
        _md = bounded_markdown(html=True)
        _md.disable("text_join")  # keep escapes (text_special) apart from text
        _md.block.ruler.at("reference", _recording_reference)
    return _md


def _unknown_tag(html: str) -> str | None:
    """`html` (an HTML token) as an `angle` placeholder's name: a lone opening tag whose name
    is not an HTML element (`<service name>`), else None."""
    match = OPEN_TAG.match(html.strip())
    if match is None or match.group(1).lower() in HTML_ELEMENTS:
        return None
    return html.strip()[1:-1].strip()


def _visible_runs(text: str, references) -> Iterable[tuple[str, list[Spot]]]:
    """Runs of the text a reader sees (BREAK where something else was), with the spots the
    parser took for something else (`angle` ones it made HTML of, placeholder definitions)."""
    env: dict = {}
    if references:
        env["references"] = {
            normalizeReference(label): {"href": "", "title": "", "map": None}
            for label in references
        }
    for token in _parser().parse(text, env):
        if token.type == "html_block":
            if (name := _unknown_tag(token.content)) is not None:
                yield BREAK, [Spot(ANGLE, name, f"<{name}>")]
            continue
        if token.type != "inline":
            continue  # fences, code blocks, mermaid: never
        parts: list[str] = [START]
        spots: list[Spot] = []
        link_depth = 0
        for child in token.children or []:
            kind = child.type
            if kind == "link_open":
                link_depth += 1
                parts.append(BREAK)
            elif kind == "link_close":
                link_depth = max(0, link_depth - 1)
                parts.append(BREAK)
            elif link_depth:
                continue
            elif kind == "text":
                parts.append(child.content)
            elif kind in ("softbreak", "hardbreak"):
                parts.append("\n")
            elif kind == "html_inline":
                if (name := _unknown_tag(child.content)) is not None:
                    yield "".join(parts), spots
                    parts, spots = [], []
                    yield BREAK, [Spot(ANGLE, name, f"<{name}>")]
                parts.append(BREAK)
            elif kind in ("em_open", "em_close", "strong_open", "strong_close", "s_open"):
                continue  # emphasis inside a placeholder keeps it one: [**Owner**]
            elif kind == "s_close":
                continue
            else:  # code_inline, image, task_checkbox, text_special (escapes): never
                parts.append(BREAK)
        yield "".join(parts), spots
    for definition in env.get(DEFINITIONS_KEY, []):
        if match := PLACEHOLDER_DEFINITION.match(definition):
            label, value = match.groups()
            yield BREAK, [Spot(SQUARE, label, f"[{label}]"), Spot(SQUARE, value, f"[{value}]")]


def _spots_in_run(run: str, syntaxes: frozenset) -> list[Spot]:
    found: list[tuple[int, Spot]] = []
    for syntax, pattern in BRACKET_PATTERNS.items():
        if syntax not in syntaxes:
            continue
        for match in pattern.finditer(run):
            name = match.group(1)
            if not name.strip():
                continue  # [ ], {  }: nothing named
            before = run[match.start() - 1] if match.start() > 0 else ""
            after = run[match.end()] if match.end() < len(run) else ""
            if before and (before.isalnum() or before == "_" or before in OPENERS[syntax]):
                continue  # code, not a blank: A[Invoice], items[0], {{x}}, ${x}
            if after and after in CLOSERS[syntax]:
                continue  # [text](… or [text][ref] left unresolved, {{x}}
            if syntax == SQUARE and name.startswith("^"):
                continue  # a footnote
            if syntax == SQUARE and name in TASK_MARKS and before == START and after in " \t":
                continue  # “[x] Done” starting a paragraph: a task marker
            if syntax == ANGLE and (name[0].isspace() or name[-1].isspace()):
                continue  # a < b > c: comparisons
            open_char, close_char = match.group(0)[0], match.group(0)[-1]
            found.append((match.start(), Spot(syntax, name, f"{open_char}{name}{close_char}")))
    found.sort(key=lambda pair: pair[0])
    # Overlaps ({[x]}): the outer one, first found, wins.
    spots: list[Spot] = []
    end = -1
    for start, spot in found:
        if start < end:
            continue
        spots.append(spot)
        end = start + len(spot.written)
    return spots


@dataclass
class Found:
    spots: list[Spot]
    marks: int  # NEEDS CLARIFICATION outside any spot


# What each syntax cannot be written without: the visible text is made of slices of the
# source (escapes and entities break a run), so a text without these holds no placeholder.
NEEDED_CHARACTERS = {SQUARE: "[", CURLY: "{", ANGLE: "<"}


def may_hold_placeholders(text: str, syntaxes: frozenset) -> bool:
    """False when `text` cannot hold a placeholder: the parse is then skipped (a filled-in
    section's save parses its Markdown once, to render it, instead of twice)."""
    if any(NEEDED_CHARACTERS[s] in text for s in syntaxes if s in NEEDED_CHARACTERS):
        return True
    # Emphasis may join the words (NEEDS **CLARIFICATION**): each word, anywhere.
    return NEEDS_CLARIFICATION_SYNTAX in syntaxes and "NEEDS" in text and "CLARIFICATION" in text


def _find(text: str, syntaxes, references) -> Found:
    syntaxes = normalize_syntaxes(syntaxes) if not isinstance(syntaxes, frozenset) else syntaxes
    if not may_hold_placeholders(text, syntaxes):
        return Found([], 0)
    return _find_in(list(_visible_runs(text, references)), syntaxes)


def _find_in(runs: list[tuple[str, list[Spot]]], syntaxes) -> Found:
    syntaxes = normalize_syntaxes(syntaxes) if not isinstance(syntaxes, frozenset) else syntaxes
    spots: list[Spot] = []
    marks = 0
    for run, parsed_spots in runs:
        spots.extend(spot for spot in parsed_spots if spot.syntax in syntaxes)
        run_spots = _spots_in_run(run, syntaxes)
        spots.extend(run_spots)
        if NEEDS_CLARIFICATION_SYNTAX in syntaxes:
            inside = sum(len(NEEDS_CLARIFICATION.findall(spot.name)) for spot in run_spots)
            marks += len(NEEDS_CLARIFICATION.findall(run)) - inside
    return Found(spots, marks)


def find_spots(
    text: str, syntaxes=DEFAULT_SYNTAXES, references: Mapping | Iterable | None = None
) -> list[Spot]:
    """The placeholders in `text`, in order (with repeats). `references`: link labels
    defined elsewhere in the plan (a mapping's keys or an iterable), whose `[label]` is a link."""
    return _find(text, syntaxes, references).spots


def find_placeholders(text: str, syntaxes=DEFAULT_SYNTAXES, references=None) -> list[str]:
    """The placeholder names in `text`, in order (with repeats): 'Owner' for “[Owner]”."""
    return [spot.name for spot in find_spots(text, syntaxes, references)]


def count_placeholders(text: str, syntaxes=DEFAULT_SYNTAXES, references=None) -> int:
    """Unfilled spots: placeholders plus `NEEDS CLARIFICATION` marks outside them."""
    found = _find(text, syntaxes, references)
    return len(found.spots) + found.marks


def placeholder_names(text: str, syntaxes=DEFAULT_SYNTAXES, references=None) -> list[str]:
    """The spots left to fill in `text`, each once, as written: “[Owner]”, “NEEDS CLARIFICATION”."""
    found = _find(text, syntaxes, references)
    names = [spot.written for spot in found.spots]
    if found.marks:
        names.append("NEEDS CLARIFICATION")
    return list(dict.fromkeys(names))


def template_counts(sections: Iterable[tuple[str, str]], chosen) -> dict[str, int]:
    """A template's placeholder counts, each section (heading, source) parsed once: one per
    syntax alone, and "chosen" for the `chosen` syntaxes (what its plans count)."""
    counts = dict.fromkeys([*SYNTAXES, "chosen"], 0)
    chosen = normalize_syntaxes(chosen)
    for heading, source in sections:
        runs = list(_visible_runs(without_signoff_lines(heading, source), None))
        for syntax in SYNTAXES:
            found = _find_in(runs, frozenset({syntax}))
            counts[syntax] += len(found.spots) + found.marks
        found = _find_in(runs, chosen)
        counts["chosen"] += len(found.spots) + found.marks
    return counts


WRAPPERS = {SQUARE: "[]", CURLY: "{}", ANGLE: "<>"}


def fill_placeholders(text: str, values: Mapping[str, str], syntaxes=DEFAULT_SYNTAXES) -> str:
    """`text` with each placeholder named in `values` (“Owner” for “[Owner]”, “{Owner}”…, in
    the enabled syntaxes) replaced by its value, wherever it occurs."""
    syntaxes = normalize_syntaxes(syntaxes)
    for name, value in values.items():
        for syntax, (opening, closing) in WRAPPERS.items():
            if syntax in syntaxes:
                text = text.replace(f"{opening}{name}{closing}", value)
    return text


# Proposing syntaxes for an uploaded template: see docs/placeholders.md.
PROPOSE_MIN = 2


def propose_syntaxes(text: str) -> list[str]:
    """The syntaxes `text` obviously uses, as stored. `square` and `needs_clarification` stay
    on unless the text has no `[square]` placeholder and at least PROPOSE_MIN `{curly}` (or
    `<angle>`) ones, which are then on instead of `square`; `curly`/`angle` are also on when
    there are at least PROPOSE_MIN of them and at least as many as square ones."""
    spots = find_spots(text, frozenset(SYNTAXES))
    counts = {syntax: sum(1 for s in spots if s.syntax == syntax) for syntax in BRACKET_PATTERNS}
    chosen = {NEEDS_CLARIFICATION_SYNTAX}
    for syntax in (CURLY, ANGLE):
        if counts[syntax] >= PROPOSE_MIN and counts[syntax] >= counts[SQUARE]:
            chosen.add(syntax)
    if counts[SQUARE] or chosen == {NEEDS_CLARIFICATION_SYNTAX}:
        chosen.add(SQUARE)
    return ordered(chosen)


# Sign-off lines (shared with planhub/reviews/signoffs.py, which reads slots from them).
APPROVALS_HEADING = re.compile(r"^\W*(approvals?|sign[- ]?offs?)\W*$", re.IGNORECASE)
LABELLED_ITEM = re.compile(r"^[ \t]*[-*+][ \t]+\*\*([^*\n]+?)\*\*[ \t]*:", re.MULTILINE)
SIGNATURE_LINE = re.compile(
    r"^\*\*(Reviewed By|Approved By|Approved|Signed[- ]off By):\*\*", re.MULTILINE | re.IGNORECASE
)
LABELLED_ITEM_LINE = re.compile(LABELLED_ITEM.pattern + r".*$", re.MULTILINE)
SIGNATURE_LINE_FULL = re.compile(SIGNATURE_LINE.pattern + r".*$", re.MULTILINE | re.IGNORECASE)


def without_signoff_lines(heading: str, text: str) -> str:
    """`text` (a section's) without the lines its sign-offs fill in."""
    text = SIGNATURE_LINE_FULL.sub("", text)
    if APPROVALS_HEADING.match(heading):
        text = LABELLED_ITEM_LINE.sub("", text)
    return text


def section_placeholder_count(
    heading: str, source: str, syntaxes=DEFAULT_SYNTAXES, references=None
) -> int:
    """The spots left to fill in a section (`source`: its heading line and text)."""
    return count_placeholders(without_signoff_lines(heading, source), syntaxes, references)


def section_placeholder_names(
    heading: str, source: str, syntaxes=DEFAULT_SYNTAXES, references=None
) -> list[str]:
    return placeholder_names(without_signoff_lines(heading, source), syntaxes, references)
