"""The Typst converter (exports/typst_markup.py): each body is compiled with typst and read
back from the PDF (pdftotext from poppler-utils, pypdf), as a reader of the PDF sees it."""

import base64
import io
import re
import shutil
import subprocess
import time
from html import escape, unescape

import pytest
import typst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from planhub.document.rendering import render_markdown
from planhub.exports.diagrams import Diagram
from planhub.exports.typst_markup import (
    CODE_COLOURS,
    PREAMBLE,
    ZWSP,
    body_markup,
    breakable,
    diagram_inputs,
    diagram_key,
    diagram_sources,
    escape_string,
)

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")

PAGE = "#set page(width: 595pt, height: 842pt, margin: 50pt)\n"
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
PAGE_TAG = re.compile(r"<page\b")


def compile_body(markup: str, inputs: dict[str, str] | None = None, before: str = "") -> bytes:
    return typst.compile((PREAMBLE + PAGE + before + markup).encode(), sys_inputs=inputs or {})


def pdf_of(html: str, labels=frozenset(), **kwargs) -> bytes:
    return compile_body(body_markup(html, labels), **kwargs)


def text_of(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode()


def words_of(pdf: bytes) -> list[tuple[int, float, float, float, str]]:
    """(page, xMin, yMin, xMax, word) of every word."""
    result = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    words = []
    page = 0
    for line in result.stdout.decode().splitlines():
        if PAGE_TAG.search(line):
            page += 1
        match = WORD.search(line)
        if match:
            x0, y0, x1, _y1, word = match.groups()
            words.append((page, float(x0), float(y0), float(x1), unescape(word)))
    return words


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text.replace(ZWSP, ""))


def word(words, text: str):
    return next(w for w in words if w[4] == text)


# --- text and escaping ---------------------------------------------------------------------


def test_inline_elements_print_their_text():
    html = (
        "<p>A <em>em</em> <strong>bold</strong> <s>gone</s> <del>del</del> <code>x = 1</code> "
        "<kbd>Ctrl</kbd> H<sub>2</sub>O x<sup>2</sup> <mark>marked</mark> <ins>added</ins> "
        '<abbr title="HyperText">HTML</abbr><br>next line</p><hr>'
        "<dl><dt>Term</dt><dd>Meaning</dd></dl><blockquote><p>Quoted</p></blockquote>"
    )
    markup = body_markup(html)
    for function in ("#emph[", "#strong[", "#strike[", "#raw(", "#planhub-kbd(", "#sub["):
        assert function in markup
    assert "#super[" in markup and "#highlight[" in markup and "#underline[" in markup
    assert "#linebreak()" in markup and "#line(" in markup
    text = text_of(compile_body(markup))
    for expected in ("em", "bold", "x = 1", "Ctrl", "marked", "added", "HTML", "next line"):
        assert expected in text
    assert "Term" in text and "Meaning" in text and "Quoted" in text


INJECTIONS = [
    '#panic("boom")',
    ']#panic("x")[',
    '") #panic("y") #("',
    "= Not a heading",
    "- not a list\n+ nor an enum",
    "*not bold* _not emph_ `not raw` $x^2$ <lbl> @ref \\ // comment /* block */",
    '\\\\" \\u{41} #{1 + 1} #let x = 1',
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_no_text_is_read_as_typst(text):
    pdf = pdf_of(f"<p>{escape(text)}</p>")
    assert squeeze(text_of(pdf)) == squeeze(text)
    assert PdfReader(io.BytesIO(pdf)).outline == []  # "= …" made no heading


PRINTABLE = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "S", "Zs"),
    exclude_characters="\u00ad\u2028\u2029",
    # letters of scripts the default fonts cover, so the text can be read back
    max_codepoint=0x24F,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(PRINTABLE | st.sampled_from("#[]*_`$<>@\\/=-+\"'{}():;."), max_size=80))
def test_any_paragraph_text_compiles_and_reads_back(text):
    pdf = pdf_of(f"<p>{escape(text)}</p>")
    got = squeeze(text_of(pdf))
    # ligatures (ﬁ, ﬂ …) are extracted as their letters by pdftotext; compare letters
    assert got == squeeze(text)


def test_body_headings_are_bold_blocks_not_outline_entries():
    pdf = pdf_of("<h2>Inner heading</h2><p>Text</p><h6>Small</h6>")
    assert PdfReader(io.BytesIO(pdf)).outline == []
    assert "Inner heading" in text_of(pdf)


# --- lists and checklists ------------------------------------------------------------------

LONG = " ".join(["wrapping"] * 40)


def test_nested_checklists_keep_indentation_and_align_wrapped_lines_under_the_text():
    html = render_markdown(
        f"- [ ] Alpha {LONG} Omega\n  - [x] Bravo\n    - [ ] Charlie\n- [x] Delta\n"
    )
    pdf = pdf_of(html)
    words = words_of(pdf)
    text = text_of(pdf)
    assert "☐" in text and "☑" in text
    alpha, bravo, charlie, delta = (word(words, w) for w in ("Alpha", "Bravo", "Charlie", "Delta"))
    omega = word(words, "Omega")
    assert omega[2] > alpha[2]  # Alpha's text wrapped onto more lines
    wrapped_starts = {
        round(w[1]) for w in words if w[4] == "wrapping" and w[2] > alpha[2] + 1 and w is not omega
    }
    assert min(wrapped_starts) == pytest.approx(alpha[1], abs=1)  # under the text, not the box
    assert bravo[1] > alpha[1] + 5 and charlie[1] > bravo[1] + 5  # each level indented
    assert delta[1] == pytest.approx(alpha[1], abs=1)
    boxes = sorted((w for w in words if w[4] in ("☐", "☑")), key=lambda w: w[2])
    assert len(boxes) == 4 and all(
        box[3] <= text_word[1] + 0.5
        for box, text_word in zip(boxes, (alpha, bravo, charlie, delta), strict=True)
    )


def test_ordered_lists_keep_their_start_and_nest():
    html = '<ol start="7"><li>seven<ol><li>inner</li></ol></li><li>eight</li></ol>'
    text = text_of(pdf_of(html))
    assert "7." in text and "8." in text and "1." in text


@pytest.mark.parametrize("start", ["-3", "x", "99999999999999999999", ""])
def test_a_strange_start_still_compiles(start):
    assert "one" in text_of(pdf_of(f'<ol start="{start}"><li>one</li></ol>'))


@pytest.mark.parametrize("wrapper", ["ul", "ol", "blockquote", "ul-task", "table"])
def test_one_hundred_nested_containers_compile(wrapper):
    depth = 100
    if wrapper == "ul-task":
        opening = (
            '<ul class="contains-task-list"><li class="task-list-item">'
            '<input type="checkbox" class="task-list-item-checkbox" disabled> level'
        )
        html = opening * depth + " deepest" + "</li></ul>" * depth
    elif wrapper == "table":
        html = "<table><tr><td>cell" * depth + " deepest" + "</td></tr></table>" * depth
    elif wrapper == "blockquote":
        html = "<blockquote><p>level</p>" * depth + "<p>deepest</p>" + "</blockquote>" * depth
    else:
        html = f"<{wrapper}><li>level" * depth + " deepest" + f"</li></{wrapper}>" * depth
    assert "deepest" in text_of(pdf_of(html))


# --- tables --------------------------------------------------------------------------------


def table_html(rows: int, header: str = "Header") -> str:
    body = "".join(
        f'<tr><td style="text-align:left">row{i}</td><td style="text-align:right">{i}</td></tr>'
        for i in range(rows)
    )
    head = f"<thead><tr><th>{header}</th><th>Value</th></tr></thead>"
    return f"<table>{head}<tbody>{body}</tbody></table>"


def test_a_long_table_repeats_its_header_on_every_page():
    pdf = pdf_of(table_html(120))
    words = words_of(pdf)
    pages = {w[0] for w in words}
    assert len(pages) >= 3
    assert {w[0] for w in words if w[4] == "Header"} == pages


def test_a_small_table_is_not_split_but_moves_to_the_next_page():
    filler = "".join(f"<p>Filler paragraph {i}</p>" for i in range(38))
    words = words_of(pdf_of(filler + table_html(20)))
    table_pages = {w[0] for w in words if w[4].startswith("row") or w[4] == "Header"}
    assert table_pages == {2}


def test_alignment_from_the_style_and_spans_compile():
    html = (
        "<table><thead><tr><th>Name</th><th>Amount</th><th>Note</th></tr></thead><tbody>"
        '<tr><td>left</td><td style="text-align:right">9</td><td rowspan="2">spanning</td></tr>'
        '<tr><td colspan="2">wide cell</td></tr><tr><td>1</td><td>2</td><td>3</td></tr>'
        "</tbody></table>"
    )
    words = words_of(pdf_of(html))
    assert word(words, "9")[3] == pytest.approx(word(words, "Amount")[3], abs=6)
    assert word(words, "left")[1] == pytest.approx(word(words, "Name")[1], abs=1)
    assert word(words, "wide")[2] > word(words, "left")[2]  # the next row, not the same one
    assert word(words, "3")[1] == pytest.approx(word(words, "spanning")[1], abs=1)
    spans = '<table><tr><td rowspan="9">too tall</td><td colspan="999">too wide</td></tr></table>'
    assert "too wide" in text_of(pdf_of(spans))


def test_long_words_in_a_table_wrap_inside_the_page():
    cell = "x" * 400
    html = (
        f"<table><tr><th>{'y' * 300}</th><th>b</th></tr><tr><td>{cell}</td><td>c</td></tr></table>"
    )
    words = words_of(pdf_of(html))
    assert max(w[3] for w in words) <= 595 - 50 + 1


# --- code ----------------------------------------------------------------------------------


def test_code_keeps_the_printed_colours_and_wraps():
    from planhub.exports.printing import PRINTED_CODE_COLOURS

    assert set(CODE_COLOURS) == PRINTED_CODE_COLOURS
    long_line = "value = " + " + ".join(f"item{i}" for i in range(60))
    html = render_markdown(
        f'```python\n# a comment\ndef f(x):\n    return "text"  # done\n{long_line}\n```\n'
    )
    markup = body_markup(html)
    assert 'rgb("#3D7B7B"), raw("# a comment")' in markup
    assert 'rgb("#008000"), raw("def")' in markup and 'rgb("#BA2121")' in markup
    assert 'raw(" f(x):' in markup  # names and punctuation are plain
    pdf = compile_body(markup)
    words = words_of(pdf)
    assert "item59" in {w[4] for w in words}
    assert max(w[3] for w in words) <= 595 - 50 + 1
    assert 'return "text"' in text_of(pdf)


# --- links ---------------------------------------------------------------------------------


def link_annotations(pdf: bytes) -> list[dict]:
    links = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link":
                links.append(annotation)
    return links


def test_external_internal_and_unknown_links():
    html = (
        '<p><a href="https://example.org/a_b?c=1">site</a> '
        '<a href="#summary">summary</a> <a href="#user-content-summary">again</a> '
        '<a href="#nowhere">dead</a> <a href="relative/page">relative</a></p>'
    )
    markup = body_markup(html, frozenset({"summary"}))
    assert markup.count('#link(label("h/summary"))') == 2
    assert "nowhere" not in markup and "relative/page" not in markup
    before = '#heading[Summary] #label("h/summary")\n'
    pdf = compile_body(markup, before=before)
    links = link_annotations(pdf)
    uris = [link["/A"].get("/URI") for link in links if "/A" in link]
    assert "https://example.org/a_b?c=1" in uris
    assert len(links) == 3
    assert "dead" in text_of(pdf)


FOOTNOTES = (
    '<p>Claim<sup class="footnote-ref"><a href="#user-content-fn-1" '
    'id="user-content-fnref-1">1</a></sup> and a <a href="#user-content-fn-9">missing</a> one.</p>'
    '<section class="footnotes"><h2 class="sr-only">Footnotes</h2>'
    '<ol><li id="user-content-fn-1"><p>The source. '
    '<a href="#user-content-fnref-1">↩</a></p></li></ol></section>'
)


def test_footnotes_link_both_ways_and_two_sections_with_the_same_ids_compile():
    first = body_markup(FOOTNOTES)
    second = body_markup(FOOTNOTES.replace("Claim", "Other claim"))
    assert first.count("#planhub-anchor(") == 2
    pdf = compile_body(first + "\n\n" + second)
    assert len(link_annotations(pdf)) == 4  # ref → note and note → ref, in each section
    text = text_of(pdf)
    assert "The source." in text and "missing" in text
    assert "Footnotes" not in text  # GitHub's heading for screen readers only


def test_duplicate_ids_are_not_labelled():
    html = (
        '<p id="user-content-x">a</p><p id="user-content-x">b</p>'
        '<p><a href="#user-content-x">to</a></p>'
    )
    markup = body_markup(html)
    assert "planhub-anchor" not in markup and "planhub-ref" not in markup
    assert "to" in text_of(compile_body(markup))


def test_a_long_url_breaks_in_the_text_but_not_in_the_link_target():
    url = "https://example.org/" + "/".join(f"segment{i}_with_words" for i in range(20))
    pdf = pdf_of(f'<p><a href="{url}">{url}</a></p>')
    assert {link["/A"]["/URI"] for link in link_annotations(pdf)} == {url}  # one a line
    words = words_of(pdf)
    assert max(w[3] for w in words) <= 595 - 50 + 1
    assert squeeze(text_of(pdf)) == url


def test_breakable_only_touches_long_runs():
    assert breakable("short words stay as they are") == "short words stay as they are"
    broken = breakable("a" * 100)
    assert broken.replace(ZWSP, "") == "a" * 100 and ZWSP in broken
    assert breakable("/usr/local/share/planhub/config/file.yaml").count(ZWSP) >= 6


# --- images --------------------------------------------------------------------------------


def png_data_url() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_images_only_from_small_valid_data_urls():
    good = f'<p><img src="{png_data_url()}" alt="red box"></p>'
    assert "#planhub-image(" in body_markup(good)
    pdf = pdf_of(good)
    assert any("/XObject" in (p["/Resources"] or {}) for p in PdfReader(io.BytesIO(pdf)).pages)
    broken = '<p><img src="data:image/png;base64,iVBORw0KGgoAAAA=" alt="broken"></p>'
    svg = '<p><img src="data:image/svg+xml;base64,PHN2Zz4=" alt="vector"></p>'
    remote = '<p><img src="https://example.org/x.png" alt="remote"></p>'
    text = text_of(pdf_of(broken + svg + remote))
    assert "[broken]" in text and "[vector]" in text and "[remote]" in text


# --- mermaid -------------------------------------------------------------------------------

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="2000" viewBox="0 0 400 2000">'
    '<rect x="0" y="0" width="400" height="2000" fill="#36c"/></svg>'
)


def test_a_drawn_diagram_fits_the_page_and_an_undrawn_one_prints_its_source():
    html = render_markdown("```mermaid\ngraph TD\n  A --> B\n```\n")
    (source,) = diagram_sources(html)
    assert "graph TD" in source
    markup = body_markup(html)
    assert diagram_key(source) in markup
    drawn = compile_body(markup, diagram_inputs({source: Diagram(source, svg=SVG)}))
    reader = PdfReader(io.BytesIO(drawn))
    assert len(reader.pages) == 1  # 2,000 px tall, scaled to fit one page
    assert "graph TD" not in text_of(drawn)
    failed = compile_body(markup, diagram_inputs({source: Diagram(source, error="Parse error")}))
    text = text_of(failed)
    assert "Diagram (Mermaid source)" in text and "Could not draw: Parse error" in text
    assert "A --> B" in text
    assert "Could not draw" not in text_of(compile_body(markup))


# --- direction, bounds, speed --------------------------------------------------------------


def test_right_to_left_blocks_are_set_right_to_left():
    html = "<p>שלום עולם, hello</p><p>Hello שלום</p><ul><li>مرحبا بالعالم</li></ul>"
    markup = body_markup(html)
    assert markup.count("dir: rtl") == 2
    words = words_of(compile_body(markup))
    hebrew = max(w[3] for w in words if w[2] < 70)
    assert hebrew > 595 - 50 - 2  # the first paragraph ends at the right margin
    assert word(words, "Hello")[1] == pytest.approx(50, abs=2)


def test_output_is_linear_in_the_input():
    html = render_markdown("- [ ] item `code` **bold**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n")
    one = len(body_markup(html))
    assert len(body_markup(html * 200)) <= one * 200 * 1.1


def test_the_benchmark_plan_converts_fast_and_compiles():
    from bench.dataset import benchmark_plan_markdown

    parts = re.split(r"(?m)^(?=#{1,6} )", benchmark_plan_markdown(100))
    bodies = [render_markdown(re.sub(r"\A#{1,6} .*\n", "", part)) for part in parts]
    started = time.perf_counter()
    markups = [body_markup(body) for body in bodies]
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5  # ~30 ms on the development machine
    pdf = compile_body("\n\n".join(markups))
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 5


def test_escape_string_round_trips_through_typst():
    text = 'back\\slash "quoted"\nnew line\r'
    pdf = compile_body(f"#{escape_string(text)}")
    assert squeeze(text_of(pdf)) == squeeze(text)


# --- any structure the sanitizer lets through compiles ---------------------------------------

INLINE_TAGS = ["em", "strong", "s", "del", "ins", "mark", "sub", "sup", "code", "kbd", "abbr"]
ATTRIBUTES = st.sampled_from(
    [
        "",
        ' id="user-content-fn-1"',
        ' id="user-content-fnref-1"',
        ' href="#user-content-fn-1"',
        ' href="#summary"',
        ' href="#missing"',
        ' href="https://example.org/x"',
        ' colspan="3"',
        ' rowspan="4"',
        ' start="0"',
        ' style="text-align:center"',
        ' class="task-list-item"',
        ' class="mermaid"',
    ]
)
WORDS = st.sampled_from(["word", "#x", "שלום", "a_very_long_identifier_" * 3, "[", "]", " "])


def element(children):
    def build(args):
        tag, attributes, inner = args
        if tag == "input":
            return '<input type="checkbox" checked disabled>'
        if tag in ("br", "hr"):
            return f"<{tag}>"
        if tag == "table":
            return f"<table><tr><th{attributes}>{inner}</th></tr><tr><td>{inner}</td></tr></table>"
        if tag in ("ul", "ol"):
            return f"<{tag}{attributes}><li{attributes}>{inner}</li><li>{inner}</li></{tag}>"
        return f"<{tag}{attributes}>{inner}</{tag}>"

    tags = st.sampled_from(
        INLINE_TAGS
        + ["a", "p", "div", "blockquote", "h3", "ul", "ol", "table", "pre"]
        + ["dl", "dt", "dd", "input", "br", "hr", "span"]
    )
    inner = st.lists(children, max_size=3).map("".join)
    return st.tuples(tags, ATTRIBUTES, inner).map(build)


HTML_TREES = st.recursive(WORDS.map(escape), element, max_leaves=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HTML_TREES)
def test_any_nesting_of_the_allowed_elements_compiles(html):
    markup = body_markup(html, frozenset({"summary"}))
    compile_body(markup, before='#heading[Summary] #label("h/summary")\n')


@settings(max_examples=60, deadline=None)
@given(HTML_TREES)
def test_the_fast_reading_of_the_html_gives_the_tree_html_parser_gives(html):
    from planhub.exports.typst_markup import _parse_slowly, parse

    def shape(node):
        if isinstance(node, str):
            return node
        return node.tag, sorted(node.attrs.items()), [shape(c) for c in node.children]

    assert shape(parse(html)) == shape(_parse_slowly(html))
    assert shape(parse(html + "<!-- note --> 1 < 2")) == shape(
        _parse_slowly(html + "<!-- note --> 1 < 2")
    )


def test_a_table_of_few_but_tall_rows_breaks_between_rows_and_loses_nothing():
    rows = "".join(f"<tr><td>cell{i} {'text ' * 150}end{i}</td></tr>" for i in range(8))
    html = f"<table><thead><tr><th>Tall</th></tr></thead><tbody>{rows}</tbody></table>"
    assert body_markup(html).startswith("#planhub-table(false,")
    words = words_of(pdf_of(html))
    found = {w[4] for w in words}
    assert {f"end{i}" for i in range(8)} <= found
    assert len({w[0] for w in words}) >= 2


def alt_texts(pdf: bytes) -> list[str]:
    """The /Alt of every element of the tagged PDF's structure tree."""
    found = []
    stack = [PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if not hasattr(node, "get"):
            continue
        if "/Alt" in node:
            found.append(str(node["/Alt"]))
        kids = node.get("/K")
        if kids is not None:
            stack.extend(kids if isinstance(kids, list) else [kids])
    return found


def test_a_drawn_diagram_has_an_alternative_text_from_its_first_line():
    source = "graph TD\n  A --> B\n"
    svg = SVG.replace('height="2000"', 'height="100"')
    markup = body_markup(f'<div class="mermaid">{escape(source)}</div>')
    pdf = compile_body(markup, diagram_inputs({source: Diagram(source, svg=svg)}))
    assert "Diagram: graph TD" in alt_texts(pdf)


def test_emoji_are_plain_text():
    markup = body_markup("<p>Shipped ✅ and 🚀 launched</p>")
    assert '#"Shipped ✅ and 🚀 launched"' in markup
    assert "launched" in text_of(compile_body(markup))


@pytest.mark.parametrize("code", [*range(32), 0x7F, 0x85, 0x2028, 0x2029, 0xFEFF, 0x202E, 0xFFFF])
def test_control_and_format_characters_compile(code):
    char = escape(chr(code))
    html = (
        f"<p>a{char}b</p><pre><code>x{char}y</code></pre>"
        f"<table><tr><td>c{char}d</td></tr></table><ul><li>e{char}f</li></ul>"
    )
    text = squeeze(text_of(pdf_of(html)))
    assert "a" in text and "y" in text and "d" in text and "f" in text
