"""PDF export: the printable plan (exports/print.html + print.css) rendered by WeasyPrint.

No browser and no network: the stylesheets are embedded in the document and the URL fetcher
only accepts `data:` URLs, so an image a plan links to (http, file, …) is never fetched by the
server; it prints as its alt text. See README "PDF export" for why WeasyPrint (measured with
bench/pdf_engines.py against headless Chromium).
"""

import hashlib
import logging

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from planhub.lib.gc_pause import garbage_collection_paused
from planhub.plans.models import Plan

from .cache import cached_pdf
from .printing import print_context, stylesheet_text

# WeasyPrint reports every layout step at INFO; the app logs INFO to the console.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def pdf_filename(plan: Plan) -> str:
    return f"{slugify(plan.title) or 'plan'}.pdf"


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a self-contained HTML document (no resource is fetched but data: URLs)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    with garbage_collection_paused():
        return HTML(string=html, base_url="about:blank", url_fetcher=fetcher).write_pdf()


WARM_UP_DOCUMENT = (
    "<p>PlanHub <b>bold</b> <i>italic</i> <code>code</code> "
    "<span style=\"font-family: 'DejaVu Sans'\">☐ ☑</span></p>"
)


def warm_up() -> None:
    """Import WeasyPrint and load the print fonts now (about 0.6 s), so that a server's first
    PDF export does not pay for it. A failure is only logged: the export reports it itself."""
    try:
        html_to_pdf(f"<style>{stylesheet_text()}</style>{WARM_UP_DOCUMENT}")
    except Exception:  # noqa: BLE001 - a server must start even if PDFs cannot be made
        logging.getLogger(__name__).warning("PDF engine warm-up failed", exc_info=True)


def plan_pdf(plan: Plan) -> bytes:
    """The plan as a PDF: title page, contents with page numbers, sections, sign-offs.

    A 100-section plan takes WeasyPrint seconds, so each PDF is kept (planhub.exports.cache)
    under a hash of its document with the generation time left out: until the plan, its
    reviews or its sign-offs change, every download is the same file, and twenty people asking
    at once wait for one rendering instead of running twenty.
    """
    context = print_context(plan, for_pdf=True)
    context["exported_at"] = None
    key = hashlib.sha256(render_to_string("exports/print.html", context).encode()).hexdigest()

    def render() -> bytes:
        context["exported_at"] = timezone.now()
        return html_to_pdf(render_to_string("exports/print.html", context))

    return cached_pdf(key, render)
