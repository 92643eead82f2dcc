"""Exports of a frozen version (baselines.PlanVersion): its Markdown and its Typst document
(rendered to PDF by the worker, like the plan's). Both say which version it is, that it is
frozen, who froze it and when, its content hash and the ledger head at freezing; the
sections' own text is kept byte for byte."""

from html import unescape

from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from planhub.baselines.models import PlanVersion
from planhub.document.generated_blocks import generated_block
from planhub.document.sections import join_sources
from planhub.document.slugs import plain_text, unique_slugs

from .pdf import CapturedDocument, content_key, with_slot
from .printing import TOC_MAX_LEVEL, css_string, generation_stamp, print_body, stylesheet_text
from .typst_markup import PREAMBLE, body_markup, escape_string, text_markup
from .typst_pdf import MERMAID_SOURCE, TypstDocument


def version_filename(version: PlanVersion, extension: str) -> str:
    base = slugify(f"{version.title} {version.name}") or "plan"
    return f"{base}.{extension}"


def version_markdown(version: PlanVersion, *, plain: bool = False) -> str:
    """The frozen text as one document, then (unless `plain`) a generated block saying which
    version it is and the sign-offs that counted (fenced: an import drops it)."""
    sections = list(version.sections.all())
    text = join_sources([s.source for s in sections])
    if plain:
        return text
    line_ending = version.plan.line_ending
    stamp = render_to_string("exports/_version_stamp.md", {"version": version}).rstrip("\n")
    return text + generated_block("version", stamp, text, line_ending)


def version_print_context(version: PlanVersion, *, for_pdf: bool) -> dict:
    sections = list(version.sections.all())
    for section in sections:
        section.print_html = print_body(section.body_html, for_pdf=for_pdf)
    title_section = next((s for s in sections if s.level == 1), None)
    toc = [
        s
        for s in sections
        if s.level and s.level <= TOC_MAX_LEVEL and s.heading and s is not title_section
    ]
    plan = version.plan
    return {
        "version": version,
        "plan": plan,
        "project": plan.project,
        "sections": sections,
        "toc": toc,
        "css_title": mark_safe(css_string(f"{version.title} — {version.name}")),
        "css_project": mark_safe(css_string(plan.project.name)),
        "for_pdf": for_pdf,
        "embedded_css": stylesheet_text() if for_pdf else "",
        "generated": generation_stamp(timezone.now()),
    }


def version_capture(version: PlanVersion) -> CapturedDocument:
    """The version's PDF document (generation time left open), its diagrams' sources and its
    content key."""
    document = with_slot(version_document(version))
    key = content_key(f"version {version.pk}", document.source)
    return CapturedDocument(document.source, tuple(document.diagram_sources), key)


def _when(moment, fmt: str = "Y-m-d H:i T") -> str:
    return dateformat.format(timezone.localtime(moment), fmt)


# STAND-IN for the lead to switch to typst_pdf.version_document (the pdf helper's) when it
# lands: the frozen title page (FROZEN, which version, who froze it and when, content hash,
# ledger head), "FROZEN" in every page's header, then the frozen sections.
def version_document(version: PlanVersion) -> TypstDocument:
    sections = list(version.sections.all())
    slugs = unique_slugs(plain_text(s.heading_html) for s in sections)
    labels = frozenset(slugs)
    header = escape_string(f"{version.title} — {version.name}")
    frozen = f"Version {version.name} — frozen {_when(version.frozen_at, 'Y-m-d')}"
    facts = [
        ("Version", f"{version.name} (frozen: this text never changes)"),
        ("Frozen", f"{_when(version.frozen_at)} by {version.frozen_by_name}"),
        *([("Note", version.note)] if version.note else []),
        ("Sign-offs", f"{sum(1 for s in version.signoffs if s.get('counted'))} signed"),
    ]
    parts = [
        PREAMBLE,
        f"#set document(title: {escape_string(f'{version.title} — {version.name}')})\n",
        f"#set page(header: [#text(size: 8pt)[#{header} #h(1fr) *FROZEN*]])\n",
        f'#text(size: 20pt, weight: "bold")[{text_markup(version.title)}]\n\n',
        f"*FROZEN* · {text_markup(f'{frozen} by {version.frozen_by_name}')}\n\n",
        "#table(columns: 2, stroke: none,\n",
        *(f"  [{text_markup(name)}], [{text_markup(value)}],\n" for name, value in facts),
        f"  [Content hash], raw({escape_string(version.content_hash)}),\n",
        f"  [Ledger head], raw({escape_string(version.ledger_head or '(none at freezing)')}),\n",
        ")\n#pagebreak()\n",
    ]
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
