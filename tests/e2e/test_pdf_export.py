"""PDF export in Chromium, with the real background worker: the link shows the worker's
progress and the file downloads by itself when it is ready."""

import pytest
from playwright.sync_api import expect

from planhub.exports.models import PdfExport
from tests.factories import make_plan
from tests.worker import start_db_worker

from .conftest import PHONE

pytestmark = pytest.mark.e2e


def test_pdf_link_shows_progress_then_downloads(open_page, project, owner, viewer, screenshot):
    plan = make_plan(project, owner, slug="technical-approach-plan")
    page = open_page(viewer, plan.get_absolute_url())
    page.get_by_text("Export", exact=True).click()
    page.get_by_role("link", name="PDF, with title page, contents and sign-offs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"PDF of “{plan.title}”")
    expect(page.locator("#pdf-export-status")).to_contain_text("Queued")
    screenshot(page, "pdf-export-queued")
    # No worker yet: the page keeps polling. Start one; the download begins by itself.
    process = start_db_worker()
    try:
        with page.expect_download(timeout=60_000) as download_info:
            pass
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf")
        with open(download.path(), "rb") as handle:
            assert handle.read(5) == b"%PDF-"
        expect(page.locator("#pdf-export-status")).to_contain_text("Your PDF is ready")
        screenshot(page, "pdf-export-ready")
    finally:
        process.terminate()
        process.wait(timeout=30)
    # Asked again, the kept PDF downloads at once, from the plan page.
    page.get_by_role("link", name="Back to the plan").click()
    page.get_by_text("Export", exact=True).click()
    with page.expect_download() as again:
        page.get_by_role("link", name="PDF, with title page, contents and sign-offs").click()
    assert again.value.suggested_filename.endswith(".pdf")
    assert PdfExport.objects.count() == 1


def test_a_failed_pdf_says_why_and_offers_to_try_again(open_page, project, owner, screenshot):
    plan = make_plan(project, owner, text="# Failing Plan\n\nText.\n")
    process = start_db_worker(PDF_JOB_SECONDS="0.05")
    try:
        page = open_page(owner, f"/p/{project.slug}/plans/{plan.pk}/export.pdf")
        expect(page.get_by_role("alert")).to_contain_text(
            "took longer than the 0.05 s", timeout=30_000
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    screenshot(page, "pdf-export-failed")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "pdf-export-failed-phone")
