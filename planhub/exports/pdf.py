"""PDF export: the printable plan (exports/print.html + print.css) rendered by WeasyPrint.

No browser and no network: the stylesheets are embedded in the document and the URL fetcher
only accepts `data:` URLs, so an image a plan links to (http, file, …) is never fetched by the
server; it prints as its alt text. See README "PDF export" for why WeasyPrint (measured with
bench/pdf_engines.py against headless Chromium).

A web request never renders a PDF: it captures the printable document (`printable_document`)
and the background worker renders it (planhub/exports/tasks.py). The document leaves the
generation time open (two slots filled in when it is rendered), so that the same content always
has the same content key, whenever it is asked for.
"""

import hashlib
import logging

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from planhub.plans.models import Plan

from .pdf_process import html_to_pdf
from .printing import generation_stamp, print_context

# WeasyPrint reports every layout step at INFO; the app logs INFO to the console.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Where the generation time goes, until the document is rendered. Neither can come from a
# plan: titles are escaped and the sanitizer drops comments from section text.
GENERATED_META_SLOT = mark_safe("<!--planhub:generated-meta-->")
GENERATED_LABEL_SLOT = mark_safe("<!--planhub:generated-label-->")


def pdf_filename(plan: Plan) -> str:
    return f"{slugify(plan.title) or 'plan'}.pdf"


def printable_document(plan: Plan) -> tuple[str, str]:
    """The plan's printable document as it is now, generation time left open, and its
    content key (a hash of the document and the plan's id)."""
    context = print_context(plan, for_pdf=True)
    context["generated"] = {"meta": GENERATED_META_SLOT, "label": GENERATED_LABEL_SLOT}
    document = render_to_string("exports/print.html", context)
    key = hashlib.sha256(f"{plan.pk}\n{document}".encode()).hexdigest()
    return document, key


def with_generation_time(document: str, when) -> str:
    stamp = generation_stamp(when)
    document = document.replace(GENERATED_META_SLOT, stamp["meta"], 1)
    return document.replace(GENERATED_LABEL_SLOT, stamp["label"], 1)


def plan_pdf(plan: Plan) -> bytes:
    """The plan as a PDF, rendered here and now (`manage.py export_plan --format pdf`)."""
    document, _ = printable_document(plan)
    return html_to_pdf(with_generation_time(document, timezone.now()))
