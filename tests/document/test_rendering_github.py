"""The renderer reads like GitHub (issue 17): reference links from the whole plan, footnotes,
autolinks, front matter as a table, no error boxes in code, dir="auto", and ids or dirs only
the renderer's own."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planhub.document.references import plan_references
from planhub.document.rendering import front_matter_rows, render_markdown

REFERENCES = plan_references(
    ['[RFC 3502]: https://rfc.example/3502 "Cargo"\n[kubernetes.io]: https://kubernetes.io/\n']
)


# Reference links -----------------------------------------------------------------------------


def test_full_and_shortcut_references_from_elsewhere_in_the_plan_are_links():
    html = render_markdown(
        "See [cargo manifests][RFC 3502] and [kubernetes.io].\n", references=REFERENCES
    )
    assert '<a href="https://rfc.example/3502" title="Cargo"' in html
    assert ">cargo manifests</a>" in html and "[RFC 3502]" not in html
    assert '<a href="https://kubernetes.io/"' in html and ">kubernetes.io</a>" in html


def test_without_the_plans_definitions_they_stay_text():
    html = render_markdown("See [cargo manifests][RFC 3502].\n")
    assert "[cargo manifests][RFC 3502]" in html and "<a " not in html


def test_the_plans_first_definition_wins_over_the_sections_own():
    html = render_markdown(
        "[kubernetes.io]\n\n[kubernetes.io]: https://other.example/\n", references=REFERENCES
    )
    assert 'href="https://kubernetes.io/"' in html and "other.example" not in html


def test_the_references_given_are_not_changed_by_a_rendering():
    references = dict(REFERENCES)
    render_markdown("[new]: https://new.example/\n", references=references)
    assert references == REFERENCES


# Footnotes -----------------------------------------------------------------------------------


def test_footnotes_are_superscript_links_listed_at_the_end_with_back_links():
    html = render_markdown(
        "Claim[^1] and again[^1], and [^note].\n\n"
        "[^1]: The *source*.\n\n[^note]: Second.\n\nEnd.\n",
        id_prefix="7",
    )
    assert (
        '<sup><a href="#user-content-fn-7-1" id="user-content-fnref-7-1" class="footnote-ref"'
    ) in html
    assert 'id="user-content-fnref-7-1-2"' in html
    assert '<sup><a href="#user-content-fn-7-2" id="user-content-fnref-7-2"' in html
    footnotes = html[html.index('<div class="footnotes">') :]
    assert html.index("End.") < html.index('<div class="footnotes">')
    assert '<li id="user-content-fn-7-1" dir="auto">' in footnotes
    assert "The <em>source</em>." in footnotes
    assert 'href="#user-content-fnref-7-1"' in footnotes
    assert 'href="#user-content-fnref-7-1-2"' in footnotes
    assert '<li id="user-content-fn-7-2" dir="auto">' in footnotes


def test_without_a_prefix_ids_are_githubs():
    html = render_markdown("A[^x].\n\n[^x]: Note.\n")
    assert 'id="user-content-fnref-1"' in html and 'id="user-content-fn-1"' in html


def test_a_footnote_defined_elsewhere_is_plain_text_not_a_dead_link():
    html = render_markdown("See [^elsewhere].\n")
    assert "[^elsewhere]" in html and "<sup>" not in html and "<a " not in html


def test_a_footnote_definition_is_no_reference_definition():
    assert plan_references(["[^1]: https://not.a.link/\n"]) == {}


@pytest.mark.parametrize("prefix", ["a b", 'x"', "-", "<"])
def test_an_id_prefix_is_letters_digits_and_underscores(prefix):
    with pytest.raises(ValueError):
        render_markdown("x", id_prefix=prefix)


# Autolinks -----------------------------------------------------------------------------------


def test_bare_urls_www_and_email_addresses_are_links_as_on_github():
    html = render_markdown(
        "Read https://example.org/a_b?c=1, or www.example.com. Mail ops@example.org! "
        "Not setup.py nor example.com.\n"
    )
    assert '<a href="https://example.org/a_b?c=1"' in html and "c=1</a>," in html
    assert '<a href="http://www.example.com"' in html and ">www.example.com</a>." in html
    assert '<a href="mailto:ops@example.org"' in html and ">ops@example.org</a>!" in html
    assert "setup.py" in html and "http://setup.py" not in html
    assert "http://example.com" not in html


def test_no_autolink_in_code():
    html = render_markdown("`https://example.org/`\n\n```\nhttps://example.org/x\n```\n")
    assert "<a " not in html


def test_an_autolink_is_never_a_javascript_url():
    html = render_markdown("javascript:alert(1) www.javascript:alert(1)\n")
    assert 'href="javascript' not in html and "<a " not in html


# Front matter --------------------------------------------------------------------------------


def test_front_matter_is_a_two_column_table_without_its_dashes():
    html = render_markdown(
        '---\ntitle: "KEP-1234: a long title"\nauthors:\n  - "@alice"\n  - "@bob"\n'
        "status: implementable\n---\n\nBody\n"
    )
    assert html.startswith('<table class="front-matter">') and "---" not in html
    assert '<th dir="auto">title</th><td dir="auto">KEP-1234: a long title</td>' in html
    assert '<th dir="auto">authors</th><td dir="auto">- "@alice"<br>- "@bob"</td>' in html
    assert '<td dir="auto">implementable</td>' in html
    assert '<p dir="auto">Body</p>' in html


def test_front_matter_is_text_only_never_markup():
    html = render_markdown("---\nx: <script>alert(1)</script> **b**\n---\n")
    assert "<script" not in html and "&lt;script&gt;" in html and "<strong>" not in html


def test_front_matter_that_is_not_keys_stays_code():
    html = render_markdown("---\n- just\n- a list\n---\n")
    assert '<pre class="front-matter"><code>---\n- just\n- a list\n---\n</code></pre>' in html


def test_front_matter_rows_keep_comments_out_and_quotes_off():
    rows = front_matter_rows(["---\n", "# comment\n", "a: 'one'\n", "b:\n", "  c: 2\n", "---\n"])
    assert rows == [("a", "one"), ("b", "c: 2")]


# Code ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "```python\nx = 1\n```inner\n```\n",
        "```python\ny = $$\n```\n",
        "```json\n{request shape}\n```\n",
    ],
)
def test_what_a_lexer_cannot_read_is_plain_text_not_an_error_box(code):
    html = render_markdown(code)
    assert '<div class="highlight">' in html and 'class="err"' not in html


# Direction and ids ---------------------------------------------------------------------------


def test_text_blocks_take_their_direction_from_their_text():
    html = render_markdown(
        "# عنوان\n\nهذه فقرة.\n\n> اقتباس\n\n- بند\n\n| أ | ب |\n|---|---|\n| ج | د |\n"
    )
    for tag in ("h1", "p", "blockquote", "li", "th", "td"):
        assert f'<{tag} dir="auto">' in html, tag


def test_a_texts_own_id_dir_and_class_are_dropped():
    html = render_markdown(
        '<p id="user-content-fn-1" dir="rtl" class="footnotes">x</p>\n\n'
        '<a href="#x" id="main" name="n">y</a> <h2 id="summary">z</h2>\n'
    )
    assert "id=" not in html and 'dir="rtl"' not in html and "class=" not in html
    assert "name=" not in html


def test_headings_inside_a_body_get_no_id():
    html = render_markdown("> ## Quoted heading\n\n- ### In a list\n")
    assert '<h2 dir="auto">Quoted heading</h2>' in html and "id=" not in html


def test_a_kep_style_document(tmp_path):
    """A KEP-like document of our own, rendered section by section as a plan is."""
    from planhub.document.sections import split_sections

    text = (
        "---\ntitle: Widget sharding\nkep-number: 9999\n---\n"
        "# KEP-9999: Widget sharding\n\n"
        "<!-- toc -->\n- [Summary](#summary)\n- [Motivation](#motivation)\n<!-- /toc -->\n\n"
        "## Summary\n\nShard widgets as [cargo manifests][RFC 3502] do; see [kubernetes.io].\n"
        "Details at https://example.org/widgets.\n\n"
        "## Motivation\n\nמסמך זה מתאר את השינוי.\n\nA claim[^1].\n\n[^1]: Measured in 2026.\n\n"
        "## References\n\n[RFC 3502]: https://rfc.example/3502\n[kubernetes.io]: https://kubernetes.io/\n"
    )
    sections = split_sections(text)
    references = plan_references(section.body for section in sections)
    html = [
        render_markdown(section.body, references, id_prefix=str(position))
        for position, section in enumerate(sections)
    ]
    assert html[0].startswith('<table class="front-matter">')
    assert '<a href="#summary"' in html[1] and "<!--" not in html[1] and "toc" not in html[1]
    assert '<a href="https://rfc.example/3502"' in html[2] and ">cargo manifests</a>" in html[2]
    assert '<a href="https://kubernetes.io/"' in html[2]
    assert '<a href="https://example.org/widgets"' in html[2]
    assert '<p dir="auto">מסמך זה מתאר את השינוי.</p>' in html[3]
    assert 'id="user-content-fn-3-1"' in html[3] and 'href="#user-content-fn-3-1"' in html[3]
    assert "<p" not in html[4]  # definitions only


# Whatever the text -------------------------------------------------------------------------

MARKDOWN_BITS = st.sampled_from(
    ["[", "]", "^", ":", "(", ")", "<", ">", "!", "#", "-", "*", "`", "\n", " ", "|", '"', "=",
     "id", "dir", "class", "user-content-", "[^1]", "[^1]: ", "<p id=x>", '<a id="y" href=#z>',
     "https://", "www.", "@", "a.b", "---\n", "rtl", "\u05d0", "\u202e", "x"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(MARKDOWN_BITS | st.text(max_size=5), max_size=60).map("".join),
    st.sampled_from(["", "1", "42"]),
)
def test_any_text_renders_and_every_id_is_the_renderers(text, prefix):
    html = render_markdown(text, references=REFERENCES, id_prefix=prefix)
    for value in re.findall(r"\sid=\"([^\"]*)\"", html):
        assert value.startswith("user-content-fn")
    assert re.findall(r"\sdir=\"([^\"]*)\"", html) == ["auto"] * html.count(' dir="')
    assert "data-ph" not in html
