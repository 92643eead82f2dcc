"""The PDF of a plan, typeset by Typst (typst-py): the document around the sections (title
page, contents, running header and footer, DRAFT, the sign-off table) and its compilation.

`plan_document(plan)` is captured in the web request (no drawing, no compiling there);
`compile_pdf(document, drawings)` runs in the worker's child process after the diagrams are
drawn (exports/diagrams.py).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import unescape

import typst

from planhub.document.slugs import plain_text, unique_slugs
from planhub.plans.models import Plan

from .diagrams import Diagram
from .typst_markup import PREAMBLE, body_markup, diagram_inputs, escape_string

MERMAID_SOURCE = re.compile(r'<div class="mermaid">(.*?)</div>', re.DOTALL)


@dataclass(frozen=True)
class TypstDocument:
    source: str  # Typst markup, self-contained but for the drawings
    diagram_sources: tuple[str, ...]  # the mermaid sources, in order, each once


def plan_document(plan: Plan) -> TypstDocument:
    """The plan's PDF document as it is now (a first sketch: title and sections)."""
    sections = list(plan.sections.all())
    slugs = unique_slugs(plain_text(s.heading_html) for s in sections)
    labels = frozenset(slugs)
    parts = [PREAMBLE, f"#set document(title: {escape_string(plan.title)})\n"]
    sources: dict[str, None] = {}
    for section, slug in zip(sections, slugs, strict=True):
        if section.level:
            heading = escape_string(plain_text(section.heading_html))
            label = escape_string("h/" + slug)
            parts.append(f"#heading(level: {section.level}, {heading}) #label({label})\n")
        parts.append(body_markup(section.body_html, labels) + "\n")
        for match in MERMAID_SOURCE.finditer(section.body_html):
            sources[unescape(match.group(1))] = None
    return TypstDocument("".join(parts), tuple(sources))


def compile_pdf(document: TypstDocument | str, drawings: Mapping[str, Diagram]) -> bytes:
    source = document.source if isinstance(document, TypstDocument) else document
    return typst.compile(source.encode(), sys_inputs=diagram_inputs(drawings))
