"""Snippets: escaped text, <mark> only around matches."""

from planhub.search.highlight import (
    START,
    STOP,
    highlight,
    marked_words,
    snippet,
    terms,
    terms_pattern,
)


def test_terms_are_the_words_once_each():
    assert terms("[Feature Name] feature  rollback-plan") == ["Feature", "Name", "rollback", "plan"]
    assert terms("<>!? --") == []


def test_highlight_escapes_everything_but_the_marks():
    pattern = terms_pattern(["zebra"])
    html = highlight('<img src=x onerror=alert(1)> "Zebra" & zebras', pattern)
    assert html == (
        "&lt;img src=x onerror=alert(1)&gt; &quot;<mark>Zebra</mark>&quot; &amp; "
        "<mark>zebra</mark>s"
    )


def test_highlight_prefers_the_longest_word():
    assert highlight("rollback", terms_pattern(["roll", "rollback"])) == "<mark>rollback</mark>"


def test_snippet_is_a_window_around_the_first_match():
    text = "start " + "filler " * 80 + "the needle here " + "after " * 80
    html = snippet(text, terms_pattern(["needle"]))
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>needle</mark>" in html
    assert len(html) < 300
    assert "start" not in html


def test_snippet_of_short_text_is_all_of_it_on_one_line():
    assert snippet("a\n\n  b needle\n", terms_pattern(["needle"])) == "a b <mark>needle</mark>"


def test_snippet_without_a_match_is_the_start():
    html = snippet("word " * 100, terms_pattern(["absent"]))
    assert html.startswith("word") and html.endswith(" …")


def test_marked_words_are_what_ts_headline_marked():
    headline = f"<b>x</b> {START}Zebra{STOP} & {START}zebra{STOP} {START}crossing{STOP}"
    assert marked_words(headline, None, f"{START}lights{STOP}") == ["Zebra", "crossing", "lights"]


def test_whole_words_pattern():
    pattern = terms_pattern(["roll"], whole_words=True)
    assert highlight("roll rollback Roll-out", pattern) == (
        "<mark>roll</mark> rollback <mark>Roll</mark>-out"
    )
    assert highlight("<nothing>", terms_pattern([])) == "&lt;nothing&gt;"
