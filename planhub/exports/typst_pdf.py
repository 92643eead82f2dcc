"""The PDF of a plan, typeset by Typst (typst-py): the document around the sections (title
page, contents, running header and footer, DRAFT, the sign-off table) and its compilation.

`plan_document(plan)` (and `version_document(version)` for a frozen version) is captured in the
web request (no drawing, no compiling there) with the generation time left open;
`with_generation_time(source, when)` fills it in and `compile_pdf(document, drawings)` runs in
the worker's child process after the diagrams are drawn (exports/diagrams.py).

The page design is typst/plan.typ, read once; this module adds the data after it, every value
as a Typst string literal (`escape_string`), so nothing a plan holds is evaluated as markup but
the section bodies, which typst_markup.body_markup converts. The DRAFT watermark is
typst/draft.svg: the word's glyph outlines (typst/make_draft_svg.py), never text, so copying a
page's text never copies it.
"""

import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from html import unescape
from pathlib import Path

import typst
from django.template.loader import render_to_string
from django.utils import dateformat, timezone

from planhub.document.signoff_list import signoff_placement
from planhub.document.slugs import plain_text, unique_slugs
from planhub.lib.templatetags.display import status_glyph
from planhub.plans.models import Plan
from planhub.reviews.rules import PlanStatus, SlotStatus
from planhub.reviews.status import review_plan

from .diagrams import Diagram
from .printing import TOC_MAX_LEVEL, generation_stamp, plan_authors
from .typst_markup import PREAMBLE, body_markup, diagram_inputs, escape_string

logger = logging.getLogger(__name__)

MERMAID_SOURCE = re.compile(r'<div class="mermaid">(.*?)</div>', re.DOTALL)
TYPST_DIR = Path(__file__).resolve().parent / "typst"
HEADER_TITLE_MAX = 90  # characters of the title in the running header (then "…")
# Where the generation time goes until the document is compiled: the first line after the
# preamble, before anything that comes from a plan (only the first occurrence is replaced).
GENERATED_SLOT = '#let (planhub-generated, planhub-generated-date) = ("", auto) // generated\n'
SIGNOFF_LABEL = "planhub/signoffs"  # not "h/…": no heading slug can take it
PDF_UA = ("ua-1",)  # typst checks a title, a language, alt texts and the heading levels


@dataclass(frozen=True)
class TypstDocument:
    source: str  # Typst markup, self-contained but for the drawings
    diagram_sources: tuple[str, ...]  # the mermaid sources, in order, each once
    # PDF/UA-1 needs headings that never skip a level on the way down (the title page is the
    # first H1, "Contents" an H2): asked only of documents whose headings allow it.
    pdf_standards: tuple[str, ...] = ()


@cache
def page_design() -> str:
    """typst/plan.typ (read once)."""
    return (TYPST_DIR / "plan.typ").read_text(encoding="utf-8")


@cache
def draft_watermark_svg() -> str:
    return (TYPST_DIR / "draft.svg").read_text(encoding="utf-8")


def _array(values: Sequence) -> str:
    """A Typst array of string literals (or nested arrays of them)."""
    items = [_array(v) if isinstance(v, (tuple, list)) else escape_string(str(v)) for v in values]
    return "(" + "".join(item + ", " for item in items) + ")"


def direction(text: str) -> str:
    """ "rtl" when the first strongly directional character of `text` is right-to-left (Hebrew,
    Arabic, …), else "ltr": a title or heading gets the base direction it is written in."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def _header_title(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= HEADER_TITLE_MAX else title[: HEADER_TITLE_MAX - 1] + "…"


def _local(moment, fmt: str) -> str:
    return dateformat.format(timezone.localtime(moment), fmt) if moment else ""


@dataclass
class _Section:
    level: int
    heading: str  # plain text
    body_html: str
    outlined: bool = True
    signoff: str = ""  # the sign-off table's markup, after (or instead of) the body
    replaces_body: bool = False
    after: str = ""  # markup after the body (a frozen section's decisions)


def _head(*, title: str, authors: Sequence[str], project: str, mark: str | None) -> str:
    watermark = escape_string(draft_watermark_svg()) if mark == "DRAFT" else "none"
    return (
        PREAMBLE
        + GENERATED_SLOT
        + page_design()
        + f"#set document(title: {escape_string(title)}, author: {_array(authors)}, "
        "keywords: (), date: planhub-generated-date)\n"
        + f"#show: planhub-page.with(title: {escape_string(_header_title(title))}, "
        f"project: {escape_string(project)}, "
        f"mark: {escape_string(mark) if mark else 'none'}, watermark: {watermark})\n"
    )


def _title_page(*, project: str, title: str, flag: str | None, flag_colour: str, status: str,
                facts: Sequence[tuple[str, str]], status_colour: str = "black") -> str:  # fmt: skip
    facts_markup = "(" + "".join(f"({escape_string(k)}, {v}), " for k, v in facts) + ")"
    return (
        f"#planhub-title-page(project: {escape_string(project)}, title: {escape_string(title)}, "
        f"dir: {direction(title)}, "
        f"flag: {escape_string(flag) if flag else 'none'}, flag-colour: {flag_colour}, "
        f"status: {escape_string(status)}, status-colour: {status_colour}, "
        f"facts: {facts_markup})\n"
    )


def standards_for(levels: Sequence[int]) -> tuple[str, ...]:
    """PDF/UA-1 when the headings (`levels`, in order, after the title H1 and the H2 of the
    contents) never skip a level on the way down; else none (the PDF is still tagged)."""
    previous = 2
    for level in levels:
        if level > previous + 1:
            return ()
        previous = level
    return PDF_UA


def _body(sections: Sequence[_Section], signoff_appendix: str = "") -> tuple[str, tuple[str, ...]]:
    """Contents and sections: each heading at its level with label("h/" + slug) (the page's
    ids), the title section's H1 bookmarked but not in the contents."""
    headed = [s for s in sections if s.level]  # text before the first heading has no id
    slug_list = unique_slugs(s.heading for s in headed)
    slugs, labels = iter(slug_list), frozenset(slug_list)
    listed = [s.level for s in headed if s.outlined and s.heading and s.level <= TOC_MAX_LEVEL]
    if signoff_appendix:
        listed.append(2)
    parts = [f"#planhub-contents(min-level: {min(listed, default=1)})\n"]
    sources: dict[str, None] = {}
    for section in sections:
        if section.level:
            slug = next(slugs)
            # An empty heading (a lone "##") is neither listed nor bookmarked.
            listed_here = "true" if section.outlined and section.heading else "false"
            marked = "true" if section.heading else "false"
            heading = (
                f"#heading(level: {section.level}, outlined: {listed_here}, "
                f"bookmarked: {marked}, {escape_string(section.heading)})"
                f"#label({escape_string('h/' + slug)})\n"
            )
            if direction(section.heading) == "rtl":
                heading = f"#[#set text(dir: rtl)\n{heading}]\n"
            parts.append(heading)
        if not section.replaces_body:
            scope = f"{slug}/" if section.level else "preamble/"
            parts.append(body_markup(section.body_html, labels, scope) + "\n\n")
            for match in MERMAID_SOURCE.finditer(section.body_html):
                sources[unescape(match.group(1))] = None
        parts.append(section.after)
        parts.append(section.signoff)
    if signoff_appendix:
        parts.append(
            f"#heading(level: 2, [Sign-off])#label({escape_string(SIGNOFF_LABEL)})\n"
            + signoff_appendix
        )
    return "".join(parts), tuple(sources)


def _template_name(plan: Plan) -> str:
    if plan.template_id is not None:
        return plan.template.name
    return "None (started blank)" if plan.started_blank else "Imported document"


def _signature_record(signoff) -> str:
    """The signature as its record holds it (21 CFR 11.50), in the words the page shows."""
    html = render_to_string("reviews/_signature_record.html", {"s": signoff, "printed": True})
    return " ".join(plain_text(html).split())


def _signoff_table(review) -> str:
    rows = []
    for r in review.slots:
        notes = []
        if r.status == SlotStatus.STALE:
            by = f" by {r.latest.user.username}" if r.latest else ""
            notes.append(f"(signed on earlier content{by}: no longer counts)")
        if r.declined_earlier:
            notes.append("(declined earlier content: needs a new decision)")
        if r.latest and r.latest.reason:
            notes.append(f"“{r.latest.reason}”")
        rows.append(
            (
                r.slot.name,
                r.slot.assignee.username if r.slot.assignee else "Nobody yet",
                r.status,
                f"{status_glyph(r.status)} {r.status_label}",
                " ".join(notes),
                _local(r.latest.created_at, "Y-m-d H:i") if r.latest else "—",
                _signature_record(r.latest) if r.latest else "",
            )
        )
    if not rows:
        rows.append(("No sign-offs are defined for this plan.", "", "", "", "", "", ""))
    caption = (
        f"Sign-offs ({review.signed_slots} of {len(review.slots)} signed on the current content)"
    )
    return f"#planhub-signoff-table(caption: {escape_string(caption)}, rows: {_array(rows)})\n"


def plan_document(plan: Plan) -> TypstDocument:
    """The plan's PDF document as it is now, generation time left open (GENERATED_SLOT)."""
    sections = list(plan.sections.select_related("updated_by"))
    review = review_plan(plan, sections)
    signoff_id, replaces_body = signoff_placement(sections)
    is_draft = review.status != PlanStatus.APPROVED
    authors = plan_authors(plan)
    project = plan.project.name
    table = _signoff_table(review)
    title_section = next((s for s in sections if s.level == 1), None)
    parts = [
        _head(
            title=plan.title, authors=authors, project=project, mark="DRAFT" if is_draft else None
        )
    ]
    status = review.status_label
    if review.approved_with_placeholders:
        left = f"{review.placeholders} placeholder{'s' if review.placeholders != 1 else ''} left"
        status += f" with {left} (the project lets sections with placeholders be approved)"
    # The flag says DRAFT once; the words say where the review is (never "DRAFT · Draft").
    line = {PlanStatus.DRAFT: "", PlanStatus.IN_REVIEW: "In review"}.get(review.status, status)
    last_change = f" (last change {_local(plan.updated_at, 'Y-m-d H:i T')})"
    facts = [
        ("Project", escape_string(project)),
        ("Template", escape_string(_template_name(plan))),
        (
            "Status",
            escape_string(
                f"{status} — {review.approved_sections} of {len(review.sections)} sections "
                f"approved, {review.signed_slots} of {len(review.slots)} sign-offs"
            ),
        ),
        ("Generated", f"planhub-generated + {escape_string(last_change)}"),
        ("Author" + ("s" if len(authors) != 1 else ""), escape_string(", ".join(authors) or "—")),
    ]
    parts.append(
        _title_page(
            project=project,
            title=plan.title,
            flag="DRAFT" if is_draft else None,
            flag_colour='rgb("#b42318")' if is_draft else "black",
            status=line,
            status_colour='rgb("#1a7f37")' if not is_draft else "black",
            facts=facts,
        )
    )
    body_sections = [
        _Section(
            level=s.level,
            heading=plain_text(s.heading_html),
            body_html=s.body_html,
            outlined=s is not title_section,
            signoff=table if s.pk == signoff_id else "",
            replaces_body=s.pk == signoff_id and replaces_body,
        )
        for s in sections
    ]
    body, sources = _body(body_sections, "" if signoff_id else table)
    parts.append(body)
    levels = [s.level for s in sections if s.level] + ([] if signoff_id else [2])
    return TypstDocument("".join(parts), sources, standards_for(levels))


def version_document(version) -> TypstDocument:
    """A frozen version's PDF document (baselines.PlanVersion): "FROZEN · Version v1.0 — frozen
    <date> by <name>", its content hash and ledger head, never DRAFT; the frozen sections."""
    from planhub.baselines.templatetags.versions import iso_time

    sections = list(version.sections.all())
    plan = version.plan
    project = plan.project.name
    title = version.title
    parts = [_head(title=f"{title} — {version.name}", authors=[version.frozen_by_name],
                   project=project, mark="FROZEN")]  # fmt: skip
    signed = sum(1 for s in version.signoffs if s.get("counted"))
    facts = [
        ("Version", escape_string(f"{version.name} (frozen: this text never changes)")),
        ("Frozen", escape_string(f"{iso_time(version.frozen_at)} by {version.frozen_by_name}")),
    ]
    if version.note:
        facts.append(("Note", escape_string(version.note)))
    facts += [
        (
            "Status",
            escape_string(
                f"Approved — {len(sections)} section{'s' if len(sections) != 1 else ''} approved, "
                f"{signed} sign-off{'s' if signed != 1 else ''} signed"
            ),
        ),
        ("Content hash", f"raw({escape_string(version.content_hash)})"),
        ("Ledger head", escape_string(version.ledger_head or "(none at freezing)")),
        ("Generated", "planhub-generated"),
    ]
    parts.append(
        _title_page(
            project=project,
            title=title,
            flag="FROZEN",
            flag_colour='rgb("#1a7f37")',
            status=f"Version {version.name} — frozen {iso_time(version.frozen_at, 'Y-m-d')} "
            f"by {version.frozen_by_name}",
            facts=facts,
        )
    )
    title_section = next((s for s in sections if s.level == 1), None)
    body_sections = []
    for s in sections:
        decisions = "; ".join(
            f"{d.get('reviewer', '')} "
            f"{'approved' if d.get('decision') == 'approved' else 'requested changes'} "
            f"{iso_time(d.get('created_at'), 'Y-m-d')}"
            for d in s.decisions
        )
        after = (
            f"#text(size: 8.5pt, fill: planhub-muted, "
            f"{escape_string(f'Version {s.section_version}: {decisions}')})\n"
            if decisions
            else ""
        )
        body_sections.append(
            _Section(
                level=s.level,
                heading=plain_text(s.heading_html),
                body_html=s.body_html,
                outlined=s is not title_section,
                after=after,
            )
        )
    rows = [
        (
            s.get("slot", ""),
            (s.get("record") or {}).get("printed_name") or s.get("signer") or "—",
            s.get("status", ""),
            str((s.get("record") or {}).get("meaning") or s.get("status", "")).capitalize(),
            "Content hash " + str((s.get("record") or {}).get("content_hash", ""))[:16]
            if s.get("record")
            else "",
            iso_time((s.get("record") or {}).get("created_at")),
            "",
        )
        for s in version.signoffs
    ] or [("No sign-off slots.", "", "", "", "", "", "")]
    caption = f"Sign-offs of version {version.name}"
    table = f"#planhub-signoff-table(caption: {escape_string(caption)}, rows: {_array(rows)})\n"
    body, sources = _body(body_sections, table)
    parts.append(body)
    levels = [s.level for s in sections if s.level] + [2]
    return TypstDocument("".join(parts), sources, standards_for(levels))


def with_generation_time(document: TypstDocument | str, when: datetime):
    """The document with its generation time (title page, metadata) filled in."""
    source = document.source if isinstance(document, TypstDocument) else document
    local = timezone.localtime(when)
    date = (
        f"datetime(year: {local.year}, month: {local.month}, day: {local.day}, "
        f"hour: {local.hour}, minute: {local.minute}, second: {local.second})"
    )
    label = escape_string(generation_stamp(when)["label"])
    filled = source.replace(
        GENERATED_SLOT,
        f"#let (planhub-generated, planhub-generated-date) = ({label}, {date})\n",
        1,
    )
    return replace(document, source=filled) if isinstance(document, TypstDocument) else filled


def compile_pdf(document: TypstDocument | str, drawings: Mapping[str, Diagram]) -> bytes:
    """The PDF, tagged; PDF/UA-1 when the document asks for it and typst's checks pass (an
    image without alt text fails them: then the same PDF without the claim)."""
    if isinstance(document, str):
        document = TypstDocument(document, ())
    source = document.source.encode()
    inputs = diagram_inputs(drawings)
    # PDF/UA wants alt text on every image: a drawn diagram without it would fail the checks
    # (a second compilation); ask only when the preamble gives diagrams theirs.
    unlabelled = "alt:" not in PREAMBLE and any(d.svg is not None for d in drawings.values())
    if document.pdf_standards and not unlabelled:
        try:
            return typst.compile(
                source, sys_inputs=inputs, pdf_standards=list(document.pdf_standards)
            )
        except typst.TypstError as error:
            if "PDF/UA" not in str(error):
                raise
            logger.info("PDF/UA-1 not possible for this document: %s", error)
    return typst.compile(source, sys_inputs=inputs)
