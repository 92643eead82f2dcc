"""The bounded parser (planhub/plans/markdown_parser.py): real documents come out exactly as
markdown-it-py with mdit-py-plugins' task lists renders them; only texts built to be slow hit
a bound, and then render as the bound says."""

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

from planhub.document import parser as markdown_parser
from planhub.document.parser import bounded_markdown
from planhub.document.rendering import render_markdown
from planhub.plans.builtin_templates import BUILTIN_TEMPLATES, read_seed

SNIPPETS = [
    '[link](https://example.com/a_(b)) and ![img](a.png "t") and <https://auto.link>',
    "[![badge](https://img.example/b.svg)](https://example.com) [ref][r] [r] [r][]\n\n"
    "[r]: https://example.com/r 'title'\n",
    "[outer [inner](a) text](b) [[[nested]]] [a]: not a definition\n",
    "**bold *em [x](y)* more** _under_ ~~gone~~ `code [x](y)` \\[escaped]\n",
    "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 |\n| 1 | 2 | 3 | 4 |\n\ntext\n",
    "a | b\n- | -\n`|` | \\|\n",
    "- [ ] todo\n- [x] done\n  - [X] nested\n  - [ ]\ttab\n- [ ]\n- plain\n\n1. [ ] ordered\n",
    "> - [ ] quoted task\n>\n> | t | u |\n> |---|---|\n> | 1 | 2 |\n",
    "<details><summary>More</summary>\n\n- a\n\n</details>\n\n<div align=center>x</div>\n",
    "Text with <b>bold</b> and <br> and <img src=x> and <!-- comment --> inline.\n",
    "```python\nprint('[x](y)')\n```\n\n~~~\nplain\n~~~\n\n    indented code\n",
    "Setext\n===\n\n# ATX #\n\n***\n\n1) one\n2) two\n",
]


def plugin_renderer() -> MarkdownIt:
    """What PlanHub rendered with before the bounds: markdown-it-py and the tasklists plugin."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return md.use(tasklists_plugin)


def bounded_renderer() -> MarkdownIt:
    md = bounded_markdown(html=True)

    def checkbox(renderer, tokens, index, options, env):  # the plugin's markup
        checked = tokens[index].meta["checked"]
        if checked is None:
            return ""
        mark = 'checked="checked" ' if checked else ""
        return f'<input class="task-list-item-checkbox" {mark}disabled="disabled" type="checkbox">'

    md.add_render_rule("task_checkbox", checkbox)
    return md


DOCUMENTS = (
    [read_seed(slug) for slug in BUILTIN_TEMPLATES]
    + SNIPPETS
    + [Path(__file__).resolve().parents[2].joinpath("README.md").read_text(encoding="utf-8")]
)


@pytest.mark.parametrize("text", DOCUMENTS)
def test_real_documents_render_exactly_as_before(text):
    assert bounded_renderer().render(text) == plugin_renderer().render(text)
    assert bounded_renderer().renderInline(text) == plugin_renderer().renderInline(text)


def test_a_long_task_list_renders_as_the_plugin_did():
    text = "".join(f"- [{'x' if i % 3 else ' '}] item {i}\n" for i in range(500))
    assert bounded_renderer().render(text) == plugin_renderer().render(text)


def test_brackets_past_the_documents_look_ahead_are_text():
    html = render_markdown("[first](https://a.example/)\n\n" + "![" * 50_000)
    assert '<a href="https://a.example/"' in html
    assert '<p dir="auto">![![![' in html and "<img" not in html


def test_link_destinations_nest_parentheses_eight_deep():
    deep = "(" * markdown_parser.LINK_DESTINATION_NESTING + "x" + ")" * 8
    assert '<a href="https://a.example/' in render_markdown(f"[a](https://a.example/{deep})")
    deeper = f"[a](https://a.example/({deep}))"
    html = render_markdown(deeper)
    # Not a link "a" (the bare URL in it is linked, as GitHub links one).
    assert "[a](" in html and ">a</a>" not in html


def test_short_table_rows_are_padded_until_the_documents_allowance(monkeypatch):
    monkeypatch.setattr(markdown_parser, "PADDED_CELLS_MIN", 10)
    header = "|" + "h|" * 6 + "\n|" + "-|" * 6 + "\n"
    html = bounded_renderer().render(header + "a\n" * 5)  # 5 cells a row: 2 rows fit
    assert html.count("<tr>") == 3 and html.count("<td></td>") == 10
    assert "<p>a\na\na</p>" in html  # the rest is a paragraph, as at markdown-it's own limit


def test_raw_html_leaving_too_many_elements_open_is_shown_as_text():
    opened = markdown_parser.RAW_HTML_OPEN_MAX
    html = render_markdown("<div>\n\n" * (opened + 50) + "x")  # an HTML block each
    assert html.count("<div>") == opened
    assert html.count("&lt;div&gt;") == 50
    closed = render_markdown("<span>a</span> <br> <img src=x> " * 500)  # closed or void
    assert "&lt;" not in closed and closed.count("<span>") == 500
