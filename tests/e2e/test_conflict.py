"""Two people edit the same section: the second save is refused, nothing typed is lost."""

import pytest
from playwright.sync_api import expect

from .helpers import assert_no_reload, editor_form, mark_page, section_named, shown_section

pytestmark = pytest.mark.e2e

OLIVIA_TEXT = "Olivia's summary: ship **checkout v2** in May."
EDDIE_TEXT = """Eddie's summary, written at the same time.

- keep the old receipts
- add a `--dry-run` flag

| Risk | Level |
|------|-------|
| Load | high |"""


def test_second_save_gets_conflict_and_keeps_own_text(
    open_page, console_errors, plan, owner, editor, screenshot
):
    eddie = editor
    overview = section_named(plan, "Overview")
    # The refused save answers 409 Conflict by design, which Chromium logs as a failed load.
    console_errors.allow(rf"status of 409 \(Conflict\) @ .*{overview.get_absolute_url()}$")
    olivia = open_page(owner, plan.get_absolute_url())
    eddie_page = open_page(eddie, plan.get_absolute_url())
    for page in (olivia, eddie_page):
        mark_page(page)
        page.get_by_role("link", name="Edit Overview", exact=True).click()
        expect(editor_form(page, overview).locator("textarea[name=body]")).to_be_focused()

    editor_form(olivia, overview).locator("textarea[name=body]").fill(OLIVIA_TEXT)
    editor_form(olivia, overview).get_by_role("button", name="Save").click()
    expect(shown_section(olivia, overview).locator("strong")).to_have_text("checkout v2")

    form = editor_form(eddie_page, overview)
    form.locator("textarea[name=body]").fill(EDDIE_TEXT)
    form.get_by_role("button", name="Save").click()

    alert = form.locator(".alert-conflict")
    expect(alert).to_be_visible()
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("olivia changed the same lines while you were editing")
    expect(alert).to_contain_text("Nothing of yours was saved and nothing is lost")
    # Eddie's text is still in his textarea, exactly; Olivia's version is shown beside it.
    expect(form.locator("textarea[name=body]")).to_have_value(EDDIE_TEXT)
    expect(form.locator("input[name=heading]")).to_have_value("Overview")
    # Side by side: her version and his text, the lines that differ marked on both sides.
    theirs, mine = form.locator("pre.their-text"), form.locator("pre.my-text")
    for line in OLIVIA_TEXT.splitlines():
        expect(theirs).to_contain_text(line)
    expect(theirs.locator(".line-changed").first).to_be_visible()
    expect(mine.locator(".line-changed").first).to_be_visible()
    expect(form.locator("input[name=version]")).to_have_value("2")
    assert_no_reload(eddie_page)
    overview.refresh_from_db()
    assert (overview.version, overview.editable_body) == (2, OLIVIA_TEXT)
    screenshot(eddie_page, "conflict")

    # Saving again is a knowing overwrite of Olivia's version: it goes through.
    form.get_by_role("button", name="Save").click()
    section = shown_section(eddie_page, overview)
    expect(section.locator("table td").first).to_have_text("Load")
    expect(section.locator(".section-body li")).to_have_text(
        ["keep the old receipts", "add a --dry-run flag"]
    )
    expect(editor_form(eddie_page, overview)).to_have_count(0)
    assert_no_reload(eddie_page)
    overview.refresh_from_db()
    assert (overview.version, overview.editable_body, overview.updated_by) == (3, EDDIE_TEXT, eddie)

    olivia.reload()
    expect(shown_section(olivia, overview).locator("table td").first).to_have_text("Load")


def test_escape_after_a_conflict_asks_before_dropping_the_kept_text(
    open_page, console_errors, plan, owner, editor
):
    eddie = editor
    overview = section_named(plan, "Overview")
    console_errors.allow(rf"status of 409 \(Conflict\) @ .*{overview.get_absolute_url()}$")
    page = open_page(eddie, plan.get_absolute_url())
    page.get_by_role("link", name="Edit Overview", exact=True).click()
    form = editor_form(page, overview)
    expect(form.locator("input[name=version]")).to_have_value("1")  # the editor is open
    # Someone else saves meanwhile (straight to the database, as another request would).
    overview.save_edit(author=owner, heading="Overview", body="Theirs.", base_version=1)

    form.locator("textarea[name=body]").fill("Mine.")
    form.get_by_role("button", name="Save").click()
    expect(form.locator(".alert-conflict")).to_be_visible()

    # The kept text is unsaved even though the textarea has not changed since the reply.
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    form.locator("textarea[name=body]").press("Escape")
    expect(form.locator("textarea[name=body]")).to_have_value("Mine.")
    assert messages == ["Discard your changes to this section?"]
