"""PDF export: the printable plan (exports/print.html + print.css) rendered by WeasyPrint.

No browser and no network: the stylesheets are embedded in the document and the URL fetcher
only accepts `data:` URLs, so an image a plan links to (http, file, …) is never fetched by the
server; it prints as its alt text. See README "PDF export" for why WeasyPrint (measured with
bench/pdf_engines.py against headless Chromium).
"""

import logging

from django.utils.text import slugify

from planhub.plans.models import Plan

from .printing import render_print_html

# WeasyPrint reports every layout step at INFO; the app logs INFO to the console.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def pdf_filename(plan: Plan) -> str:
    return f"{slugify(plan.title) or 'plan'}.pdf"


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a self-contained HTML document (no resource is fetched but data: URLs)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, base_url="about:blank", url_fetcher=fetcher).write_pdf()


def plan_pdf(plan: Plan) -> bytes:
    """The plan as a PDF: title page, contents with page numbers, sections, sign-offs."""
    return html_to_pdf(render_print_html(plan, for_pdf=True))
