"""A section's rendered, sanitized HTML as Typst markup, for the PDF (exports/typst_pdf.py).

The input is `Section.body_html`: the sanitizer (document/rendering.py) leaves only the tags in
`ALLOWED_TAGS`, so this converter knows every element it can meet.
"""

from collections.abc import Mapping

from .diagrams import Diagram


def escape_string(text: str) -> str:
    """`text` as a Typst string literal (quotes included)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def text_markup(text: str) -> str:
    """Plain `text` as Typst markup that shows exactly that text."""
    return f"#{escape_string(text)}" if text else ""


def body_markup(html: str, diagrams: Mapping[str, Diagram] | None = None) -> str:
    """Typst markup for a section body's HTML. Mermaid blocks (`<div class="mermaid">source`)
    are drawn from `diagrams[source]` (an SVG) or printed as their source with the error."""
    from planhub.document.slugs import plain_text

    return text_markup(plain_text(html))  # placeholder until the converter lands
