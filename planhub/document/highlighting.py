"""Syntax highlighting of fenced code (Pygments), within a per-document allowance.

Pygments lexers are regular expressions, and many of them spend quadratic time or worse on a
few kilobytes of hostile text: C#'s lexer takes 9 s on 8,000 characters of `a` lines,
JavaScript's grows quadratically on an unclosed string of escaped quotes. So only the languages
below are highlighted (not C#, whose lexer is slow even on small blocks, nor Markdown, whose
lexer highlights the code blocks inside it in any language; tests/plans/
test_rendering_highlighting.py times each lexer on hostile text at its block size), a code
block only up to its language's size, and a document only up to HIGHLIGHTED_CHARS (each
character of a quadratic lexer's block counts QUADRATIC_WEIGHT times). Any other code block is
shown as plain code: `highlighted_code` returns None.

What a lexer cannot read (a ``` line inside a fence, `$$`, `{request shape}`) is Pygments'
`Error` token, which the stylesheet draws in a red box: it is shown as plain text instead.
"""

from pygments import format as format_tokens
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import Error, Text
from pygments.util import ClassNotFound

CODE_FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)

# Lexers that stay linear on hostile text (a few µs a character).
LINEAR_LANGUAGES = {
    "bash", "sh", "shell", "zsh", "fish",
    "batch", "bat",
    "c", "cpp", "c++",
    "cmake",
    "dart",
    "diff", "udiff",
    "docker", "dockerfile",
    "elixir", "ex",
    "erlang",
    "graphql",
    "haskell", "hs",
    "json",
    "kotlin",
    "nginx",
    "php",
    "properties",
    "protobuf", "proto",
    "python", "py", "python3",
    "ruby", "rb",
    "rust", "rs",
    "scala",
    "scss",
    "sql", "mysql", "postgresql", "postgres", "plpgsql",
    "swift",
    "text",
    "toml",
}  # fmt: skip
LINEAR_BLOCK_CHARS = 20_000
# Lexers that grow quadratically on some hostile text, yet stay within ~50 µs a character on
# blocks of QUADRATIC_BLOCK_CHARS (TypeScript's worst).
QUADRATIC_LANGUAGES = {
    "coffeescript", "coffee",
    "console",
    "css",
    "go", "golang",
    "groovy",
    "html", "xml", "vue",
    "http",
    "ini", "cfg",
    "java",
    "javascript", "js", "jsx",
    "lua",
    "make", "makefile", "mf",
    "perl", "pl",
    "powershell", "ps1", "pwsh",
    "r",
    "tsql",
    "typescript", "ts", "tsx",
    "yaml", "yml",
}  # fmt: skip
QUADRATIC_BLOCK_CHARS = 2_500
QUADRATIC_WEIGHT = 4
# What a document may highlight: ~10 µs a character at worst, 0.2 s.
HIGHLIGHTED_CHARS = 20_000


def highlighting_cost(language: str, code: str) -> int | None:
    """What highlighting `code` as `language` costs of a document's HIGHLIGHTED_CHARS; None
    when it is not highlighted at any cost (an unknown language, a block too long)."""
    if language in LINEAR_LANGUAGES and len(code) <= LINEAR_BLOCK_CHARS:
        return len(code)
    if language in QUADRATIC_LANGUAGES and len(code) <= QUADRATIC_BLOCK_CHARS:
        return len(code) * QUADRATIC_WEIGHT
    return None


def highlighted_code(language: str, code: str) -> str | None:
    """`code` highlighted by Pygments (HTML with its token classes), or None for a language
    it does not know."""
    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        return None
    return format_tokens(_without_errors(lexer.get_tokens(code)), CODE_FORMATTER)


def _without_errors(tokens):
    """The lexer's tokens, with what it could not read (Error) as plain text."""
    for kind, value in tokens:
        yield (Text if kind in Error else kind), value
