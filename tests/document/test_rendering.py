import pytest

from planhub.document.rendering import render_heading, render_markdown


def test_tables_task_lists_and_highlighted_code():
    html = render_markdown(
        "| Metric | Target |\n|---|---|\n| p95 | 80 ms |\n\n- [ ] todo\n- [x] done\n\n"
        "```python\nprint('hi')\n```\n"
    )
    assert '<td dir="auto">80 ms</td>' in html
    assert html.count('type="checkbox"') == 2 and "checked" in html
    assert '<span class="nb">print</span>' in html


def test_mermaid_block_becomes_a_diagram_container():
    html = render_markdown("```mermaid\ngraph TD\n  A-->B\n```\n")
    assert '<div class="mermaid">' in html and "A--&gt;B" in html


def test_front_matter_is_shown_as_a_table_not_parsed_as_markdown():
    html = render_markdown("---\ntitle: x\n---\n\nText\n")
    assert '<table class="front-matter">' in html and "<h2" not in html and "---" not in html
    assert '<th dir="auto">title</th><td dir="auto">x</td>' in html


def unsafe_parts(html: str) -> list[str]:
    """Tags and attributes that could run script, whatever the text around them says."""
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in {"script", "iframe", "svg", "object", "embed", "form", "style", "math"}:
                found.append(tag)
            for name, value in attrs:
                value = (value or "").strip().lower()
                if name.startswith("on") or name in {"style", "srcdoc", "action", "formaction"}:
                    found.append(f"{tag}[{name}]")
                if name in {"href", "src"} and value.startswith(
                    ("javascript:", "data:", "vbscript:")
                ):
                    found.append(f"{tag}[{name}={value[:20]}]")

    Collector().feed(html)
    return found


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript&#58;alert(1)">x</a>',
        "<svg onload=alert(1)>",
        "<iframe src=https://evil.example></iframe>",
        '<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>',
        "![x](javascript:alert(1))",
        "<object data=javascript:alert(1)></object>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<form action=javascript:alert(1)><button>x</button></form>",
    ],
)
def test_unsafe_markup_never_survives(payload):
    assert unsafe_parts(render_markdown(f"text\n\n{payload}\n")) == []


def test_heading_renders_inline_markup_safely():
    assert render_heading("Use *care* <img src=x onerror=alert(1)>") == (
        'Use <em>care</em> <img src="x">'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Phase [X] - [Phase Name]", ["X", "Phase Name"]),
        ("- [ ] task\n- [x] done\n* [X] done", []),
        ("a [link](http://x) and [ref][1] and ![img](a.png) [^note]", []),
        ("[1]: http://example.com", []),
        ("| [NEEDS CLARIFICATION: x] | [X] ms |", ["NEEDS CLARIFICATION: x", "X"]),
        # Brackets right after a name are code: mermaid nodes, indexes. After / or a space
        # they are still blanks to fill.
        ("A[Invoice] --> B[Payment]\nitems[0] and row_[i]", []),
        ("specs/[###-feature]/ and ├── [module1]/", ["###-feature", "module1"]),
    ],
)
def test_find_placeholders(text, expected):
    from planhub.document.placeholders import find_placeholders

    assert find_placeholders(text) == expected


def test_numbered_heading_stays_text_not_a_list():
    assert render_heading("1. OBJECTIVE") == "1. OBJECTIVE"
    assert render_heading("- dash") == "- dash"
