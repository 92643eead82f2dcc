"""Pathological Markdown: texts built to make a Markdown renderer slow, each timed against plain
prose of the same length. Rendering must stay linear: no text of a section's size limit
(100,000 characters) or of a template's (2 MB) may cost more than a small multiple of prose.

    .venv/bin/python -m bench.render_inputs            # the table, at 100,000 characters
    .venv/bin/python -m bench.render_inputs 2097152    # at the template size limit

`PATHOLOGICAL_INPUTS` maps a name to a builder of a text of exactly n characters;
tests/plans/test_rendering_linear.py asserts the ratios, `measure()` prints them (make bench).
"""

import sys
import time
from collections.abc import Callable

SECTION_CHARS = 100_000  # settings.SECTION_BODY_MAX_CHARS
TEMPLATE_CHARS = 2 * 1024 * 1024  # planhub.document.importing.MAX_IMPORT_BYTES
# What a rendering may cost, as a multiple of plain prose of the same length. Prose is one
# paragraph token per 350 characters; markdown-it-py spends ~25 µs on every list item and ~5 µs
# on every table cell or emphasis mark, so the densest real Markdown (a list of one-word items)
# costs ~45x prose. Nothing may cost more than that kind of text.
MAX_RATIO = 60

PROSE = (
    "the service stores each plan section as markdown and renders it once when it is saved "
    "so that readers never wait for the parser while reviewers approve what they have read"
)


def repeat(unit: str, n: int) -> str:
    """`unit` repeated to exactly `n` characters."""
    return (unit * (n // len(unit) + 1))[:n]


def plain_prose(n: int) -> str:
    """Paragraphs of five lines of up to 70 characters of words: what a section mostly holds."""
    lines, line, size = [], "", 0
    while size < n:
        for word in PROSE.split():
            if len(line) + len(word) >= 70:
                lines.append(line.rstrip() + ("\n\n" if len(lines) % 5 == 4 else "\n"))
                size += len(lines[-1])
                line = ""
            line += word + " "
    return "".join(lines)[:n]


def staircase(n: int, indent: str, marker: str, depth: int = 40) -> str:
    """Lines of `marker` item, indented by `indent` 0, 1, .. depth - 1 times and again."""
    lines, size, i = [], 0, 0
    while size < n:
        lines.append(indent * (i % depth) + marker + " item\n")
        size += len(lines[-1])
        i += 1
    return "".join(lines)[:n]


def wide_tables(n: int) -> str:
    """Tables of 256 columns whose rows have one cell: padded to 256 cells each."""
    table = "|" + "a|" * 256 + "\n|" + "-|" * 256 + "\n" + "a\n" * 256 + "\n"
    return repeat(table, n)


def fences(language: str, unit: str, block: int) -> Callable[[int], str]:
    """Code blocks of `block` characters of `unit`, one after another."""
    fence = f"```{language}\n{repeat(unit, block)}\n```\n\n"
    return lambda n: repeat(fence, n)


PATHOLOGICAL_INPUTS: dict[str, Callable[[int], str]] = {
    # Links and images: every "[" looks ahead for its "]".
    "image brackets ![![![": lambda n: repeat("![", n),
    "link brackets [[[": lambda n: repeat("[", n),
    "brackets then one ]": lambda n: repeat("[", n - 1) + "]",
    "images then ](": lambda n: repeat("![a](", n),
    "reference labels [a][": lambda n: repeat("[a][", n),
    "emphasis and brackets *[": lambda n: repeat("*[", n),
    "nested images ![![..](b)](b)": lambda n: repeat("![", n // 3) + repeat("](b)", n - n // 3),
    "links to a definition": lambda n: "[a]: /u\n\n" + repeat("[a] ", n - 9),
    # Emphasis, strikethrough, code spans: delimiter runs.
    "emphasis *a": lambda n: repeat("*a", n),
    "emphasis _a": lambda n: repeat("_a", n),
    "mixed *_": lambda n: repeat("*_a", n),
    "strong **a*": lambda n: repeat("**a*", n),
    "deep emphasis ***a***": lambda n: repeat("*", n // 2 - 1) + "a" + repeat("*", n - n // 2),
    "strikethrough ~~a": lambda n: repeat("~~a", n),
    "backtick runs": lambda n: repeat("a``", n),
    "growing backtick runs": lambda n: repeat("".join("`" * i + "a" for i in range(1, 300)), n),
    # Raw HTML, autolinks and entities.
    "less-than run <<<": lambda n: repeat("<", n),
    "unclosed tags <a <a": lambda n: repeat("<a ", n),
    "unclosed <div> blocks": lambda n: repeat("<div>\n", n),
    "unclosed <div>s in a line": lambda n: repeat("<div>", n),
    "unclosed <dl><dt>": lambda n: repeat("<dl><dt>", n),
    "inline tags a <b>": lambda n: "a " + repeat("<b>", n - 2),
    "autolinks <http://a": lambda n: repeat("<http://a", n),
    "entities &a": lambda n: repeat("&a", n),
    "numeric entities &#": lambda n: repeat("&#", n),
    "backslashes": lambda n: repeat("\\", n),
    # Blocks: tables, lists, quotes, headings.
    "table rows |a|b|": lambda n: "a|b\n-|-\n" + repeat("|a|b|\n", n - 8),
    "a line of pipes": lambda n: "a|b\n-|-\n" + repeat("|", n - 8),
    "lines of pipes": lambda n: repeat("|" * 79 + "\n", n),
    "padded tables (256 columns)": wide_tables,
    "task list items": lambda n: repeat("- [ ] a\n", n),
    "list items - a": lambda n: repeat("- a\n", n),
    "nested lists": lambda n: staircase(n, "  ", "-"),
    "list markers - - - -": lambda n: repeat("- ", n),
    "nested blockquotes": lambda n: staircase(n, ">", ">"),
    "blockquote markers >>>": lambda n: repeat(">", n),
    "quotes and lists > - >": lambda n: repeat("> - ", n),
    "setext headings": lambda n: repeat("a\n=\n", n),
    "link definitions": lambda n: repeat("[a]: b\n", n),
    "footnote refs [^[^[^": lambda n: "[^a]: b\n\n" + repeat("[^", n - 9),
    "long footnote labels [^aaaa": lambda n: "[^a]: b\n\n" + repeat("[^" + "a" * 500, n - 9),
    "footnote definitions [^a]:": lambda n: repeat("[^a]: [^a]\n", n),
    "bare www. www.": lambda n: repeat("www.", n),
    "bare urls http://a.b": lambda n: repeat("http://a.b/", n),
    "e-mail a@a@a@": lambda n: repeat("a@", n),
    # Code: Pygments lexers, some quadratic on hostile text.
    "python, blocks of 19,000": fences("python", "x = compute(a, b) + 1  # note\n", 19_000),
    "javascript unclosed strings": fences("javascript", "'\\", 2_400),
    "typescript a.a.a": fences("typescript", "a.", 2_400),
    "java bare words": fences("java", "a b\n", 2_400),
    "c# column of words (plain code)": fences("csharp", "a\n", 2_400),
}


def best_time(render: Callable[[str], object], text: str, runs: int = 3) -> float:
    """The fastest of `runs` renderings of `text`, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        render(text)
        best = min(best, time.perf_counter() - start)
    return best


def ratios(n: int = SECTION_CHARS, names=None, runs: int = 3):
    """(name, seconds, ratio to plain prose) for each input, rendered at `n` characters."""
    from planhub.document.rendering import render_markdown

    prose = best_time(render_markdown, plain_prose(n), runs)
    yield "plain prose", prose, 1.0
    for name, build in PATHOLOGICAL_INPUTS.items():
        if names is None or name in names:
            seconds = best_time(render_markdown, build(n), runs)
            yield name, seconds, seconds / prose


def measure(n: int = SECTION_CHARS) -> None:
    """Print each input's rendering time and its ratio to plain prose of the same length."""
    print(f"Rendering pathological Markdown, {n:,} characters (best of 3; limit {MAX_RATIO}x):")
    print(f"  {'input':34} {'ms':>9} {'x prose':>8}")
    for name, seconds, ratio in ratios(n):
        flag = "" if ratio <= MAX_RATIO else "  FAIL"
        print(f"  {name:34} {seconds * 1000:9.1f} {ratio:8.1f}{flag}")


if __name__ == "__main__":
    measure(int(sys.argv[1]) if len(sys.argv) > 1 else SECTION_CHARS)
