"""Editing a section in place (htmx, no page load): save, shortcuts, cancel, preview."""

import pytest
from playwright.sync_api import expect

from .helpers import assert_no_reload, editor_form, mark_page, section_named, shown_section

pytestmark = pytest.mark.e2e

NEW_BODY = """What we build, in one table:

| Part | Owner | Done |
|------|-------|------|
| Checkout | Olivia | yes |
| Receipts | Eddie | no |

- [x] Spec reviewed
- [ ] Load test"""


@pytest.fixture
def overview(plan):
    return section_named(plan, "Overview")


@pytest.fixture
def plan_page(open_page, owner, plan):
    page = open_page(owner, plan.get_absolute_url())
    mark_page(page)
    return page


def refuse_dialogs(page, seen):
    def handle(dialog):
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", handle)


def test_edit_saves_in_place_and_refreshes_outline(plan_page, plan, overview, owner, screenshot):
    page = plan_page
    url = page.url
    page.get_by_role("link", name="Edit Overview", exact=True).click()

    form = editor_form(page, overview)
    expect(form).to_be_visible()
    expect(shown_section(page, overview)).to_have_count(0)
    expect(form.locator("input[name=heading]")).to_have_value("Overview")
    expect(form.locator("textarea[name=body]")).to_have_value(overview.editable_body)
    expect(form.locator("textarea[name=body]")).to_be_focused()
    expect(form.get_by_role("button", name="Save")).to_be_visible()
    expect(form.get_by_role("button", name="Preview")).to_be_visible()
    expect(form.get_by_role("link", name="Cancel")).to_be_visible()
    assert_no_reload(page)
    screenshot(page, "plan-editor-open")

    form.locator("input[name=heading]").fill("Overview and goals")
    form.locator("textarea[name=body]").fill(NEW_BODY)
    form.get_by_role("button", name="Preview").click()
    expect(form.locator(".preview table td").first).to_have_text("Checkout")
    form.get_by_role("button", name="Save").click()

    # The rendered section is back in place of the editor, with the Markdown rendered.
    section = shown_section(page, overview)
    expect(section).to_be_visible()
    expect(form).to_have_count(0)
    expect(section.locator("h2")).to_have_text("Overview and goals")
    expect(section.locator("table tbody tr")).to_have_count(2)
    expect(section.locator("table td").first).to_have_text("Checkout")
    expect(section.locator("table th")).to_have_text(["Part", "Owner", "Done"])
    checkboxes = section.locator(".task-list-item input[type=checkbox]")
    expect(checkboxes).to_have_count(2)
    expect(checkboxes.nth(0)).to_be_checked()
    expect(checkboxes.nth(1)).not_to_be_checked()
    expect(section.get_by_role("link", name="Edit Overview and goals")).to_be_focused()
    # The outline refreshed itself, still without a page load.
    outline = page.locator("#outline")
    expect(outline.get_by_role("link", name="Overview and goals")).to_have_attribute(
        "href", f"#section-{overview.pk}"
    )
    expect(outline.get_by_role("link", name="Overview", exact=True)).to_have_count(0)
    assert_no_reload(page)
    assert page.url == url

    overview.refresh_from_db()
    assert (overview.heading, overview.version, overview.updated_by) == (
        "Overview and goals", 2, owner
    )  # fmt: skip
    assert overview.editable_body == NEW_BODY
    screenshot(page, "plan-after-save")


def test_clicking_section_text_opens_editor(plan_page, overview):
    page = plan_page
    shown_section(page, overview).locator(".section-body p").first.click()
    expect(editor_form(page, overview).locator("textarea[name=body]")).to_be_focused()
    assert_no_reload(page)


def test_ctrl_enter_saves(plan_page, overview):
    page = plan_page
    page.get_by_role("link", name="Edit Overview", exact=True).click()
    body = editor_form(page, overview).locator("textarea[name=body]")
    body.fill("Saved with the **keyboard**.")
    body.press("Control+Enter")

    section = shown_section(page, overview)
    expect(section.locator(".section-body strong")).to_have_text("keyboard")
    expect(section.locator(".section-body")).to_have_text("Saved with the keyboard.")
    assert_no_reload(page)
    overview.refresh_from_db()
    assert overview.version == 2


def test_escape_right_after_the_editor_appears_still_cancels_it(plan_page, overview):
    """htmx wires up new content when it settles; an Esc before that must still cancel."""
    page = plan_page
    page.evaluate("htmx.config.defaultSettleDelay = 1500")
    page.get_by_role("link", name="Edit Overview", exact=True).click()
    editor_form(page, overview).locator("textarea[name=body]").press("Escape")

    expect(editor_form(page, overview)).to_have_count(0, timeout=1_000)
    expect(shown_section(page, overview).locator("h2")).to_have_text("Overview")
    assert_no_reload(page)


def test_escape_cancels_an_unchanged_editor_without_asking(plan_page, overview):
    page = plan_page
    dialogs = []
    refuse_dialogs(page, dialogs)
    before = shown_section(page, overview).locator(".section-body").inner_html()
    page.get_by_role("link", name="Edit Overview", exact=True).click()
    editor_form(page, overview).locator("textarea[name=body]").press("Escape")

    expect(editor_form(page, overview)).to_have_count(0)
    expect(shown_section(page, overview)).to_be_visible()
    expect(shown_section(page, overview).locator("h2")).to_have_text("Overview")
    assert shown_section(page, overview).locator(".section-body").inner_html() == before
    assert dialogs == []
    assert_no_reload(page)
    overview.refresh_from_db()
    assert overview.version == 1


def test_escape_on_changed_text_asks_before_discarding(plan_page, overview):
    page = plan_page
    page.get_by_role("link", name="Edit Overview", exact=True).click()
    body = editor_form(page, overview).locator("textarea[name=body]")
    body.fill("Half-written thought")

    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    body.press("Escape")
    expect(body).to_have_value("Half-written thought")  # kept: the user said no
    assert messages == ["Discard your changes to this section?"]

    page.once("dialog", lambda dialog: dialog.accept())
    body.press("Escape")
    expect(editor_form(page, overview)).to_have_count(0)
    expect(shown_section(page, overview)).not_to_contain_text("Half-written thought")
    assert_no_reload(page)
    overview.refresh_from_db()
    assert overview.version == 1


def test_cancel_button_restores_the_section(plan_page, overview):
    page = plan_page
    page.get_by_role("link", name="Edit Overview", exact=True).click()
    editor_form(page, overview).get_by_role("link", name="Cancel").click()
    expect(shown_section(page, overview)).to_be_visible()
    expect(editor_form(page, overview)).to_have_count(0)
    assert_no_reload(page)


def test_cancel_button_on_changed_text_asks_before_discarding(plan_page, overview):
    page = plan_page
    page.get_by_role("link", name="Edit Overview", exact=True).click()
    form = editor_form(page, overview)
    body = form.locator("textarea[name=body]")
    body.fill("Half-written thought")

    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    form.get_by_role("link", name="Cancel").click()
    expect(body).to_have_value("Half-written thought")  # kept: the user said no
    assert messages == ["Discard your changes to this section?"]

    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    form.get_by_role("link", name="Cancel").click()
    expect(editor_form(page, overview)).to_have_count(0)
    expect(shown_section(page, overview)).not_to_contain_text("Half-written thought")
    assert len(messages) == 2  # asked once per click, never twice
    assert_no_reload(page)


def test_saved_mermaid_block_is_drawn_in_place(plan_page, overview):
    page = plan_page
    page.get_by_role("link", name="Edit Overview", exact=True).click()
    editor_form(page, overview).locator("textarea[name=body]").fill(
        "```mermaid\ngraph LR\n    Cart --> Payment\n```"
    )
    editor_form(page, overview).get_by_role("button", name="Save").click()

    diagram = shown_section(page, overview).locator(".mermaid svg")
    expect(diagram).to_be_visible()
    expect(diagram).to_contain_text("Payment")
    assert_no_reload(page)
