"""Mermaid diagrams drawn for the PDF (exports/diagrams.py): by a real headless Chromium, as
plain SVG that Typst draws with its labels, kept by source so a broken one is not retried."""

import subprocess
import time
from pathlib import Path

import pytest
import typst
from hypothesis import given, settings
from hypothesis import strategies as st

from planhub.exports import diagrams
from planhub.exports.diagrams import draw_missing, sanitize_svg, source_key
from planhub.exports.models import DiagramDrawing

FLOWCHART = "graph TD\n    A[Request budget] --> B{Approved?}\n    B -->|yes| C[Spend it]\n"
SEQUENCE = "sequenceDiagram\n    Alice->>Bob: Send the plan\n    Bob-->>Alice: Signed off\n"
CLASS = (
    "classDiagram\n    class Invoice {\n        +int total\n        +pay()\n    }\n"
    "    Invoice <|-- Refund\n"
)
OTHER_TYPES = {
    "state": "stateDiagram-v2\n    [*] --> Drafting\n    Drafting --> Reviewing\n",
    "er": "erDiagram\n    PROJECT ||--o{ PLAN : holds\n",
    "gantt": "gantt\n    dateFormat YYYY-MM-DD\n    section Build\n"
    "    Schema :a1, 2026-01-05, 10d\n",
    "pie": 'pie title Effort\n    "Design" : 40\n    "Testing" : 60\n',
    "gitGraph": "gitGraph\n    commit\n    branch review\n    checkout review\n    commit\n",
}
# A diagram's own config may not bring back HTML labels or other fonts.
DIRECTIVE = (
    '%%{init: {"htmlLabels": true, "fontFamily": "Comic Sans MS"}}%%\n'
    "graph LR\n    Draft --> Final\n"
)
LABELS = {
    FLOWCHART: ["Request budget", "Approved?", "Spend it"],
    SEQUENCE: ["Alice", "Bob", "Send the plan", "Signed off"],
    CLASS: ["Invoice", "Refund", "pay()"],
    OTHER_TYPES["state"]: ["Drafting", "Reviewing"],
    OTHER_TYPES["er"]: ["PROJECT", "PLAN", "holds"],
    OTHER_TYPES["gantt"]: ["Schema"],
    OTHER_TYPES["pie"]: ["Effort", "Design", "Testing"],
    OTHER_TYPES["gitGraph"]: ["review"],
    DIRECTIVE: ["Draft", "Final"],
}
BROKEN = "graph TD\n    A[Request --> B\n"


@pytest.fixture(scope="module")
def drawn():
    """Every common diagram type and a broken one, drawn once by one browser (no database)."""
    launches = diagrams.browser_launches
    results = diagrams._draw([*LABELS, BROKEN])
    assert diagrams.browser_launches == launches + 1
    return results


def svg_text(svg: str) -> str:
    """The words of an SVG's <text> elements, as a reader of the drawing sees them."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    texts = root.iter("{http://www.w3.org/2000/svg}text")
    return " ".join(" ".join("".join(text.itertext()).split()) for text in texts)


@pytest.mark.parametrize(
    "source", list(LABELS), ids=["flowchart", "sequence", "class", *OTHER_TYPES, "init-directive"]
)
def test_each_common_type_is_drawn_with_plain_text_labels(drawn, source):
    diagram = drawn[source]
    assert diagram.drawn, diagram.error
    assert "foreignObject" not in diagram.svg and "<script" not in diagram.svg
    words = svg_text(diagram.svg)
    for label in LABELS[source]:
        assert label in words
    assert "Liberation Sans" in diagram.svg  # fonts the system (and Typst) has
    assert "Comic Sans" not in diagram.svg


def test_a_broken_source_gets_mermaids_message(drawn):
    diagram = drawn[BROKEN]
    assert not diagram.drawn
    assert diagram.error.startswith("Parse error on line")
    assert len(diagram.error.splitlines()) <= diagrams.ERROR_LINES


def test_the_same_source_gives_the_same_svg_whatever_comes_before(drawn):
    again = diagrams._draw([OTHER_TYPES["gitGraph"], FLOWCHART])  # gitGraph's ids are random
    assert again[FLOWCHART] == drawn[FLOWCHART]
    assert again[OTHER_TYPES["gitGraph"]] == drawn[OTHER_TYPES["gitGraph"]]


@pytest.mark.parametrize("source", [FLOWCHART, SEQUENCE, CLASS], ids=["flow", "seq", "class"])
def test_typst_draws_the_svg_with_its_labels(drawn, source, tmp_path):
    pdf = typst.compile(
        b'#image(bytes(sys.inputs.at("svg")), format: "svg", width: 90%)',
        sys_inputs={"svg": drawn[source].svg},
    )
    path = Path(tmp_path) / "diagram.pdf"
    path.write_bytes(pdf)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    for label in LABELS[source]:
        assert label in text


@pytest.mark.django_db
def test_drawings_and_errors_are_kept_and_not_drawn_again():
    launches = diagrams.browser_launches
    first = draw_missing([FLOWCHART, BROKEN, FLOWCHART])
    assert list(first) == [FLOWCHART, BROKEN]
    assert first[FLOWCHART].drawn and first[BROKEN].error.startswith("Parse error")
    assert diagrams.browser_launches == launches + 1
    kept = DiagramDrawing.objects.get(key=source_key(BROKEN))
    assert kept.svg == "" and kept.error == first[BROKEN].error
    assert kept.mermaid_version == diagrams.mermaid_version() != "unknown"

    started = time.monotonic()
    again = draw_missing([BROKEN, FLOWCHART])
    assert diagrams.browser_launches == launches + 1  # no browser: both were kept
    assert time.monotonic() - started < 1
    assert again == first
    assert DiagramDrawing.objects.count() == 2


@pytest.mark.django_db
def test_kept_drawings_are_read_in_one_query(django_assert_num_queries):
    sources = [f"graph LR\n    A{n} --> B{n}\n" for n in range(30)]
    for n, source in enumerate(sources):
        DiagramDrawing.objects.create(
            key=source_key(source),
            svg="" if n % 3 else f"<svg>{n}</svg>",
            error=f"error {n}" if n % 3 else "",
            mermaid_version=diagrams.mermaid_version(),
        )
    stale = "graph LR\n    Old --> Version\n"
    DiagramDrawing.objects.create(key=source_key(stale), svg="<svg/>", mermaid_version="9.0.0")
    with django_assert_num_queries(1):
        found = diagrams.diagrams_for([*sources, stale, "never drawn"])
    assert set(found) == set(sources)  # a drawing by another mermaid version is drawn again
    assert found[sources[0]].svg == "<svg>0</svg>" and found[sources[1]].error == "error 1"
    with django_assert_num_queries(0):
        assert diagrams.diagrams_for([]) == {}


@pytest.mark.django_db
def test_an_oversized_source_is_refused_without_a_browser():
    launches = diagrams.browser_launches
    huge = "graph TD\n" + "    A --> B\n" * (diagrams.MAX_SOURCE_CHARS // 10)
    result = draw_missing([huge])
    assert result[huge].error.startswith("This diagram is too long to draw")
    assert diagrams.browser_launches == launches
    assert not DiagramDrawing.objects.exists()


@pytest.mark.django_db
def test_a_hung_browser_is_killed_and_nothing_is_kept(monkeypatch):
    """A page stuck in a synchronous loop blocks Playwright: the watchdog kills the browser,
    the diagram comes back undrawn, and the next export tries again."""
    monkeypatch.setattr(diagrams, "RENDER_JS", "() => { while (true) {} }")
    monkeypatch.setattr(diagrams, "DIAGRAM_SECONDS", 1.0)
    started = time.monotonic()
    result = draw_missing([FLOWCHART])
    assert time.monotonic() - started < 30
    assert result[FLOWCHART].error == "Not drawn: the drawing browser failed."
    assert not DiagramDrawing.objects.exists()


def test_a_too_large_drawing_is_an_error(drawn, monkeypatch):
    monkeypatch.setattr(diagrams, "MAX_SVG_BYTES", 1000)
    diagram = diagrams._diagram(FLOWCHART, {"svg": drawn[FLOWCHART].svg})
    assert diagram.svg is None and diagram.error.startswith("This diagram is too large")


HOSTILE = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    "<style>@import url(https://evil.example/x.css); .a{fill:url(https://evil.example/p)}"
    " .b{fill:url(#grad)}</style>"
    '<script>alert(1)</script><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">'
    "hi</div></foreignObject>"
    '<a xlink:href="javascript:alert(1)"><text onclick="alert(2)" x="1">Label</text></a>'
    '<image href="https://evil.example/t.png"/><use xlink:href="#local"/>'
    '<rect style="fill:url(http://evil.example/)" fill="url(#grad)"/>'
    '<set attributeName="href" to="javascript:alert(3)"/></svg>'
)


def test_sanitizing_keeps_the_drawing_and_drops_what_could_run_or_fetch():
    clean = sanitize_svg(HOSTILE)
    for gone in ("script", "alert", "foreignObject", "onclick", "evil.example", "@import", "<set"):
        assert gone not in clean
    assert "Label" in clean and 'href="#local"' in clean and 'fill="url(#grad)"' in clean
    assert "url(#grad)" in clean.split("</style>")[0]
    with pytest.raises(ValueError):
        sanitize_svg('<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>')
    with pytest.raises(ValueError):
        sanitize_svg("<html><body/></html>")


ATTRIBUTE_NAMES = st.sampled_from(
    ["onload", "OnClick", "onmouseover", "href", "xlink:href", "style", "fill", "class", "x"]
)
VALUES = st.sampled_from(
    ["javascript:alert(1)", "https://evil.example/", "url(https://evil.example/a)", "#ok", "1"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["g", "text", "a", "rect"]), ATTRIBUTE_NAMES, VALUES)))
def test_no_handler_script_url_or_outside_reference_survives(elements):
    body = "".join(
        f'<{tag} {name}="{value}">x</{tag}>' for tag, name, value in elements if ":" not in name
    ) + "".join(f'<a xlink:href="{value}">x</a>' for _, name, value in elements if ":" in name)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f"{body}</svg>"
    )
    clean = sanitize_svg(svg).lower()
    assert " on" not in clean and "javascript:" not in clean and "evil.example" not in clean
