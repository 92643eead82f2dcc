"""Comments as Markdown (planhub/document/comments.py): rendered like sections, without raw
HTML, and sanitized: nothing a member types can run in a colleague's browser."""

from hypothesis import given, settings
from hypothesis import strategies as st

from planhub.document.comments import render_comment
from tests.security.html_audit import audit
from tests.security.payloads import PAYLOADS


def html(text: str, members=None) -> str:
    return render_comment(text, members).html


def test_markdown_is_rendered():
    out = html("**bold** _it_ `code` ~~gone~~\n\n- one\n- two\n\n[site](https://example.com)")
    assert "<strong>bold</strong>" in out and "<em>it</em>" in out and "<code>code</code>" in out
    assert "<s>gone</s>" in out and "<li>one</li>" in out
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">site</a>' in out


def test_code_is_highlighted_and_task_lists_are_disabled_checkboxes():
    out = html("```python\nx = 1\n```\n\n- [x] done\n")
    assert '<span class="n">x</span>' in out
    assert '<input class="task-list-item-checkbox" checked="checked" disabled="disabled"' in out


def test_raw_html_is_shown_as_text_not_markup():
    out = html('Why <b>this</b>? <img src=x onerror="alert(1)"> <div class="watermark">OK</div>')
    assert "&lt;b&gt;this&lt;/b&gt;" in out
    assert "<img" not in out and "<div" not in out and "&lt;img" in out


def test_javascript_links_and_images_lose_their_url():
    out = html("[click](javascript:alert(1)) ![i](javascript:alert(1)) <javascript:alert(1)>")
    assert "href=" not in out and "src=" not in out
    assert audit(out).findings == []


def test_every_xss_payload_is_harmless():
    for payload in PAYLOADS:
        out = html(payload.text, {"rita": "Rita"})
        assert audit(out).findings == [], (payload.id, out)
        if payload.literal:
            assert payload.literal in audit(out).text, payload.id


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("<>\"'=/ `[]()!:@*_-#\n\tabcjsvriptonerlad&;")), max_size=200
    )
)
def test_arbitrary_text_renders_without_markup_a_browser_would_run(text):
    out = html(text, {"rita": "Rita"})
    assert audit(out).findings == [], out


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_renders(text):
    assert isinstance(html(text, {"rita": ""}), str)


def test_a_text_cannot_borrow_the_apps_classes():
    out = html('<span class="mention">@boss</span> [x](https://e.com "t"){.mention}')
    assert "<span" not in out and "&lt;span" in out  # a mention look-alike is only text
