"""The printable plan in Chromium: on screen, and printed by the browser itself."""

from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.factories import make_plan

from .conftest import PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture
def tech_plan(project, owner):
    return make_plan(project, owner, slug="technical-approach-plan")


def print_path(plan) -> str:
    return f"/p/{plan.project.slug}/plans/{plan.pk}/print/"


def test_print_view_on_screen(open_page, tech_plan, viewer, screenshot):
    page = open_page(viewer, print_path(tech_plan))
    expect(page.locator("h1.doc-title")).to_have_text(tech_plan.title)
    expect(page.locator(".watermark")).to_have_text("DRAFT")
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    expect(page.locator(".task-box").first).to_have_text("☐")
    expect(page.locator(".signoff-table tbody tr")).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "print-view")
    page.get_by_role("link", name="1. OBJECTIVE").click()
    expect(page.locator("h2", has_text="1. OBJECTIVE")).to_be_in_viewport()


def test_print_view_on_a_phone(open_page, tech_plan, viewer, screenshot):
    page = open_page(viewer, print_path(tech_plan), viewport=PHONE)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "print-view-phone")


def test_browser_print_has_header_footer_and_draft_on_every_page(open_page, tech_plan, owner):
    """What the browser's own print produces (Chromium's print to PDF): the same @page rules."""
    page = open_page(owner, print_path(tech_plan))
    page.emulate_media(media="print")
    expect(page.locator(".print-toolbar")).to_be_hidden()
    reader = PdfReader(BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    assert len(pages) > 5
    for number, text in enumerate(pages, 1):
        assert "DRAFT" in text, f"page {number}"
        assert f"Page {number} of {len(pages)}" in text
        if number > 1:
            assert tech_plan.title in text
