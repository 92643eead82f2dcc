"""Someone deletes a section while another person edits it: the save keeps the editor and the
text, says who deleted it, and one click brings the section back with the text."""

import pytest
from playwright.sync_api import expect

from planhub.plans.models import Section

from .helpers import assert_no_reload, editor_form, mark_page, section_named, shown_section

pytestmark = pytest.mark.e2e

EDDIE_TEXT = """Eddie's overview, typed while Olivia deleted the section.

- keep the old receipts
- add a `--dry-run` flag"""


@pytest.mark.parametrize("width", [1280, 375])
def test_save_into_a_deleted_section_keeps_the_text_and_restores_it(
    open_page, console_errors, plan, owner, editor, screenshot, width
):
    overview = section_named(plan, "Overview")
    # The refused save answers 409 Conflict by design, which Chromium logs as a failed load.
    console_errors.allow(rf"status of 409 \(Conflict\) @ .*{overview.get_absolute_url()}$")
    viewport = {"width": width, "height": 900}
    eddie = open_page(editor, plan.get_absolute_url(), viewport=viewport)
    mark_page(eddie)
    eddie.context.grant_permissions(["clipboard-read", "clipboard-write"])
    eddie.get_by_role("link", name="Edit Overview", exact=True).click()
    form = editor_form(eddie, overview)
    form.locator("textarea[name=body]").fill(EDDIE_TEXT)

    # Olivia, in her own browser, deletes the section from its menu meanwhile.
    olivia = open_page(owner, plan.get_absolute_url())
    shown_section(olivia, overview).get_by_label("More for Overview").click()
    shown_section(olivia, overview).get_by_role("button", name="Delete (recoverable)").click()
    expect(olivia.locator(f"#section-{overview.pk}")).to_have_count(0)

    form.get_by_role("button", name="Save").click()
    notice = form.locator(".alert-deleted")
    expect(notice).to_be_visible()
    expect(notice).to_have_attribute("role", "alert")
    expect(notice).to_contain_text("olivia deleted this section just now")
    expect(notice).to_contain_text("Nothing of yours was saved and nothing is lost")
    expect(form.locator("textarea[name=body]")).to_have_value(EDDIE_TEXT)
    assert_no_reload(eddie)
    assert Section.all_objects.get(pk=overview.pk).deleted_at is not None
    screenshot(eddie, f"deleted-section-notice-{width}")

    # Copy my text: the editor's text on the clipboard.
    form.get_by_role("button", name="Copy my text").click()
    expect(form.locator(".copy-status")).to_have_text("Copied: your text is on the clipboard.")
    assert eddie.evaluate("navigator.clipboard.readText()") == EDDIE_TEXT

    form.get_by_role("button", name="Restore the section with my text").click()
    section = shown_section(eddie, overview)
    expect(section.locator(".save-notice")).to_have_text(
        "Restored “Overview” with your text as version 2."
    )
    expect(section.locator(".section-body li")).to_have_text(
        ["keep the old receipts", "add a --dry-run flag"]
    )
    expect(editor_form(eddie, overview)).to_have_count(0)
    assert_no_reload(eddie)
    screenshot(eddie, f"deleted-section-restored-{width}")
    restored = Section.objects.get(pk=overview.pk)
    assert (restored.version, restored.editable_body, restored.updated_by) == (
        2,
        EDDIE_TEXT,
        editor,
    )
    # No draft is offered any more: the text is saved.
    eddie.reload()
    expect(shown_section(eddie, overview).locator(".draft-hint")).to_have_count(0)

    olivia.reload()
    expect(shown_section(olivia, overview).locator(".section-body li").first).to_have_text(
        "keep the old receipts"
    )
