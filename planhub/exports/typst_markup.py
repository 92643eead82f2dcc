"""A section's rendered, sanitized HTML as Typst markup, for the PDF (exports/typst_pdf.py).

The input is `Section.body_html`: the sanitizer (document/rendering.py) leaves only the tags in
`ALLOWED_TAGS`, so this converter knows every element it can meet.

Mermaid diagrams are drawn in the worker (exports/diagrams.py), after the document is captured:
the markup calls `planhub-diagram(key, source)` (defined in PREAMBLE), which draws the SVG
passed in `sys.inputs` under `diagram-svg-<key>` or prints the source with the error under
`diagram-error-<key>` (see `diagram_inputs`).
"""

import hashlib
from collections.abc import Mapping

from .diagrams import Diagram

PREAMBLE = """
#let planhub-diagram(key, source) = {
  let svg = sys.inputs.at("diagram-svg-" + key, default: none)
  if svg != none {
    align(center, image(bytes(svg), format: "svg", width: 100%))
  } else {
    [Diagram (Mermaid source)]
    raw(block: true, source)
    let error = sys.inputs.at("diagram-error-" + key, default: none)
    if error != none [Could not draw: #error]
  }
}
"""


def escape_string(text: str) -> str:
    """`text` as a Typst string literal (quotes included)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def text_markup(text: str) -> str:
    """Plain `text` as Typst markup that shows exactly that text."""
    return f"#{escape_string(text)}" if text else ""


def diagram_key(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def diagram_inputs(drawings: Mapping[str, Diagram]) -> dict[str, str]:
    """`sys.inputs` for typst.compile: each drawing's SVG or error, by its source's key."""
    inputs = {}
    for source, diagram in drawings.items():
        if diagram.svg is not None:
            inputs[f"diagram-svg-{diagram_key(source)}"] = diagram.svg
        elif diagram.error:
            inputs[f"diagram-error-{diagram_key(source)}"] = diagram.error
    return inputs


def body_markup(html: str, labels: frozenset[str] = frozenset()) -> str:
    """Typst markup for a section body's HTML. `labels`: the heading slugs that exist in the
    document (`href="#slug"` links to `label("h/" + slug)`)."""
    from planhub.document.slugs import plain_text

    return text_markup(plain_text(html))  # placeholder until the converter lands
