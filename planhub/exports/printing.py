"""The printable plan: one HTML document (templates/exports/print.html + static/css/print.css)
that the browser prints as it is and that the PDF export renders with WeasyPrint.

Section bodies are the cached, sanitized `body_html`; `print_body` only adapts it to paper:
task-list checkboxes become the glyphs ☐/☑ (a form control does not print reliably and has no
text to extract), and mermaid blocks, which only a browser with JavaScript can draw, become
their source in a labelled code block.
"""

import re
from functools import cache
from html import escape, unescape

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from planhub.document.signoff_list import signoff_placement
from planhub.plans.models import Plan, SectionRevision
from planhub.reviews.rules import PlanStatus
from planhub.reviews.status import review_plan

# The sanitizer writes attributes double-quoted; a quoted value may hold ">".
CHECKBOX = re.compile(r'<input\b(?:[^>"\']|"[^"]*"|\'[^\']*\')*>', re.IGNORECASE)
CHECKED = re.compile(r'\schecked\b(?:="[^"]*")?', re.IGNORECASE)
MERMAID = re.compile(r'<div class="mermaid">(.*?)</div>', re.DOTALL)
IMAGE = re.compile(r'<img\b(?:[^>"\']|"[^"]*"|\'[^\']*\')*>', re.IGNORECASE)
ATTRIBUTE = r'\s{}="([^"]*)"'
TABLE_START = re.compile(r"<table\b", re.IGNORECASE)
TABLE_END = re.compile(r"</table>", re.IGNORECASE)
TOC_MAX_LEVEL = 3
# Pygments wraps every token in a span; each one costs WeasyPrint a box to lay out and draw.
# Paper keeps the colours that help a reader (comments, strings, keywords) and prints the
# other tokens (names, punctuation, operators, numbers) as plain code: ~8 % less PDF rendering
# time on a plan with many code blocks. The browser's print gets the same document.
CODE_TOKEN = re.compile(r'<span class="([a-z0-9]{1,3})">([^<]*)</span>')
PRINTED_CODE_COLOURS = frozenset(
    {"c", "c1", "cm", "ch", "cs", "cp", "cpf"}  # comments
    | {"s", "s1", "s2", "sb", "sc", "sd", "se", "sh", "si", "sx", "sr", "ss", "dl"}  # strings
    | {"k", "kc", "kd", "kn", "kp", "kr", "kt", "ow"}  # keywords
)
STYLESHEETS = ("css/pygments.css", "css/print.css")


def _checkbox(match: re.Match) -> str:
    tag = match.group(0)
    if "checkbox" not in tag.lower():
        return ""  # the sanitizer keeps only checkboxes' attributes; drop any other input
    if CHECKED.search(tag):
        return '<span class="task-box checked" title="done">☑</span>'
    return '<span class="task-box" title="to do">☐</span>'


def _mermaid(match: re.Match) -> str:
    source = escape(unescape(match.group(1)).strip("\n"), quote=False)
    return (
        '<div class="diagram-source"><p class="diagram-label">Diagram (Mermaid source)</p>'
        f'<pre class="mermaid-source"><code>{source}</code></pre></div>'
    )


def css_string(text: str) -> str:
    """`text` as a quoted CSS string, safe inside <style> (only letters, digits, spaces and
    harmless punctuation stay literal; everything else is a hex escape)."""
    literal = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-_()!?#")
    return '"' + "".join(c if c in literal else f"\\{ord(c):x} " for c in text) + '"'


def _offline_image(match: re.Match) -> str:
    tag = match.group(0)
    src = re.search(ATTRIBUTE.format("src"), tag)
    if src and src.group(1).startswith("data:"):
        return tag
    alt = re.search(ATTRIBUTE.format("alt"), tag)
    label = unescape(alt.group(1)) if alt and alt.group(1).strip() else "image"
    return f'<span class="image-alt">[{escape(label, quote=False)}]</span>'


def _printed_code_token(match: re.Match) -> str:
    return match.group(0) if match.group(1) in PRINTED_CODE_COLOURS else match.group(2)


def print_body(html: str, *, for_pdf: bool = False) -> str:
    """A section's rendered HTML made for paper (checkbox glyphs, mermaid as source; tables
    in a wrapper that scrolls sideways on a narrow screen; code keeps only the colours of
    comments, strings and keywords). For the PDF, an image that is not a data: URL becomes its
    alt text: the server never fetches what a plan links to."""
    html = MERMAID.sub(_mermaid, CHECKBOX.sub(_checkbox, html))
    html = CODE_TOKEN.sub(_printed_code_token, html.replace("<pre><span></span>", "<pre>"))
    if for_pdf:
        html = IMAGE.sub(_offline_image, html)
    return TABLE_END.sub("</table></div>", TABLE_START.sub(r'<div class="table-wrap">\g<0>', html))


def plan_authors(plan: Plan) -> list[str]:
    """Everyone who wrote a version of a section, in the order they first did (a template's
    or an import's text has no author)."""
    rows = (
        SectionRevision.authors.through.objects.filter(sectionrevision__section__plan=plan)
        .order_by("sectionrevision__created_at", "sectionrevision_id", "user__username")
        .values_list("user__username", "user__first_name", "user__last_name")
    )
    authors: dict[str, str] = {}
    for username, first, last in rows:
        if username not in authors:
            full = f"{first} {last}".strip()
            authors[username] = f"{full} ({username})" if full else username
    return list(authors.values())


@cache
def _stylesheet_text() -> str:
    parts = []
    for name in STYLESHEETS:
        path = finders.find(name)
        if path is None:  # pragma: no cover - the files ship with the app
            raise FileNotFoundError(f"static file {name} not found")
        with open(path, encoding="utf-8") as handle:
            parts.append(handle.read())
    return "\n".join(parts)


def stylesheet_text() -> str:
    """pygments.css + print.css, to embed in the document rendered to PDF (read once)."""
    return _stylesheet_text()


def print_context(plan: Plan, *, for_pdf: bool = False) -> dict:
    """Everything print.html shows, in a fixed number of queries."""
    sections = list(plan.sections.select_related("updated_by"))
    review = review_plan(plan, sections)
    title_section = next((s for s in sections if s.level == 1), None)
    for section in sections:
        section.review = review.by_section[section.pk]
        section.print_html = print_body(section.body_html, for_pdf=for_pdf)
    signoff_section_id, signoff_replaces_body = signoff_placement(sections)
    toc = [
        s
        for s in sections
        if s.level and s.level <= TOC_MAX_LEVEL and s.heading and s is not title_section
    ]
    return {
        "plan": plan,
        "project": plan.project,
        "template_name": plan.template.name if plan.template else "Imported document",
        "plan_review": review,
        "is_draft": review.status != PlanStatus.APPROVED,
        "sections": sections,
        "toc": toc,
        "authors": plan_authors(plan),
        "signoff_section_id": signoff_section_id,
        "signoff_replaces_body": signoff_replaces_body,
        "generated": generation_stamp(timezone.now()),
        "css_title": mark_safe(css_string(plan.title)),
        "css_project": mark_safe(css_string(plan.project.name)),
        "for_pdf": for_pdf,
        "embedded_css": stylesheet_text() if for_pdf else "",
    }


def generation_stamp(when) -> dict[str, str]:
    """When the document was made, for its metadata and its title page."""
    local = timezone.localtime(when)
    return {
        "meta": format_html('<meta name="dcterms.created" content="{}">', local.isoformat()),
        "label": dateformat.format(local, "Y-m-d H:i T"),
    }


def render_print_html(plan: Plan, *, for_pdf: bool = True, request=None) -> str:
    """The printable document as a string (self-contained CSS when `for_pdf`)."""
    return render_to_string(
        "exports/print.html", print_context(plan, for_pdf=for_pdf), request=request
    )
