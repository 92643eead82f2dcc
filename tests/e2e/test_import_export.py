"""Import a Markdown file and export it again, through the browser."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from planhub.plans.models import Plan

pytestmark = pytest.mark.e2e

DOCUMENT = "# Billing rewrite\r\n\r\n## Scope\r\n\r\n- [ ] invoices\r\n- [x] refunds\r\n"


def test_upload_a_plan_then_download_it_byte_for_byte(open_page, editor, project, tmp_path,
                                                      screenshot):  # fmt: skip
    source = tmp_path / "billing.md"
    source.write_bytes(DOCUMENT.encode())
    page = open_page(editor, project.get_absolute_url())
    page.get_by_role("link", name="Import Markdown").click()
    page.get_by_label("Markdown file").set_input_files(str(source))
    page.get_by_label("A new plan").check()
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".flash-success")).to_contain_text("Imported “Billing rewrite”")
    expect(page.locator("h1.section-heading")).to_have_text("Billing rewrite")
    expect(page.locator(".task-list-item-checkbox")).to_have_count(2)

    page.get_by_text("Export", exact=True).click()
    screenshot(page, "export-menu")
    with page.expect_download() as download:
        page.get_by_role("link", name="Markdown, plain (only what was written)").click()
    assert download.value.suggested_filename == "billing-rewrite.md"
    assert Path(download.value.path()).read_bytes() == DOCUMENT.encode()

    expect(page.locator("details.export-menu")).not_to_have_attribute("open", "")
    page.get_by_text("Export", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Markdown, with the sign-off table").click()
    text = Path(download.value.path()).read_text()
    assert "<!-- planhub:signoff -->" in text and "| Plan approval |" in text
    assert Plan.objects.count() == 1


def test_a_bad_upload_says_why(open_page, editor, project, tmp_path, console_errors):
    console_errors.allow(r"status of 422 .*@ .*/import/")
    source = tmp_path / "notes.md"
    source.write_bytes(b"just some words\n")
    page = open_page(editor, f"/p/{project.slug}/import/")
    page.get_by_label("Markdown file").set_input_files(str(source))
    page.get_by_label("Name (optional)").fill("Kept")
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".field-error")).to_contain_text("notes.md has no heading")
    expect(page.get_by_label("Name (optional)")).to_have_value("Kept")
    assert not Plan.objects.exists()
