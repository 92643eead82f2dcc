"""Exports of a frozen version (baselines.PlanVersion): its Markdown and its Typst document
(rendered to PDF by the worker, like the plan's). Both say which version it is, that it is
frozen, who froze it and when, its content hash and the ledger head at freezing; the
sections' own text is kept byte for byte."""

from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from planhub.baselines.models import PlanVersion
from planhub.document.generated_blocks import generated_block
from planhub.document.sections import join_sources

from .pdf import CapturedDocument, content_key, with_standards
from .printing import TOC_MAX_LEVEL, css_string, generation_stamp, print_body, stylesheet_text
from .typst_pdf import version_document


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
    document = version_document(version)
    source = with_standards(document)
    key = content_key(f"version {version.pk}", source)
    return CapturedDocument(source, document.diagram_sources, key)


def _when(moment, fmt: str = "Y-m-d H:i T") -> str:
    return dateformat.format(timezone.localtime(moment), fmt)
