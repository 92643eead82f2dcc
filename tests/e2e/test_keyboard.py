"""Keyboard shortcuts (static/js/shortcuts.js): j / k between sections, e edits, ? lists them."""

import pytest
from playwright.sync_api import expect

from .helpers import editor_form, section_named, shown_section

pytestmark = pytest.mark.e2e

DOC = """# Launch plan

Why we launch.

## Scope

Only the EU.

## Risks

- [x] load tested
- [ ] support rota

## Timeline

May.
"""

ACTIVE_ID = "document.activeElement && document.activeElement.id"


@pytest.fixture
def doc(project, owner):
    from tests.factories import make_plan

    return make_plan(project, owner, text=DOC)


def section_ids(doc, *headings):
    return [f"section-{section_named(doc, h).pk}" for h in headings]


def current_outline_link(page):
    return page.locator("#outline a[aria-current=location]")


def test_j_and_k_move_between_sections_and_e_edits(open_page, doc, editor, screenshot):
    page = open_page(editor, doc.get_absolute_url())
    title, scope, risks, timeline = section_ids(doc, "Launch plan", "Scope", "Risks", "Timeline")

    page.keyboard.press("j")
    assert page.evaluate(ACTIVE_ID) == title
    page.keyboard.press("j")
    assert page.evaluate(ACTIVE_ID) == scope
    expect(current_outline_link(page)).to_have_text("Scope")
    # A visible focus ring on the section.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.evaluate(ACTIVE_ID) == timeline
    expect(page.locator(f"#{timeline}")).to_be_in_viewport()
    # Then the sign-off panel (this plan has no Approvals section), and no further.
    on_signoffs = "document.activeElement.classList.contains('signoff-panel')"
    page.keyboard.press("j")
    assert page.evaluate(on_signoffs)
    page.keyboard.press("j")
    assert page.evaluate(on_signoffs)
    page.keyboard.press("k")
    assert page.evaluate(ACTIVE_ID) == timeline
    page.keyboard.press("k")
    assert page.evaluate(ACTIVE_ID) == risks
    expect(current_outline_link(page)).to_have_text("Risks")
    screenshot(page, "keyboard-section-focus")

    # e opens the focused section's editor, with the text focused; letters are typed there.
    page.keyboard.press("e")
    risks_section = section_named(doc, "Risks")
    textarea = editor_form(page, risks_section).locator("textarea[name=body]")
    expect(textarea).to_be_focused()
    page.keyboard.press("Control+End")
    page.keyboard.type(" jke?")
    expect(textarea).to_have_value(risks_section.editable_body.rstrip("\n") + " jke?")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert page.evaluate(ACTIVE_ID) == textarea.get_attribute("id")

    # Shortcuts with Ctrl / Alt / Cmd are the browser's.
    page.get_by_role("button", name="Save").click()
    expect(shown_section(page, risks_section)).to_contain_text("jke?")
    page.keyboard.press("Control+j")
    page.keyboard.press("Alt+j")
    assert page.evaluate(ACTIVE_ID) != timeline


def test_question_mark_lists_the_shortcuts_and_esc_closes(open_page, doc, viewer):
    page = open_page(viewer, doc.get_absolute_url())
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_hidden()
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("rowheader")).to_have_text(
        ["j k", "e", "Ctrl+Enter", "Esc", "/", "?"]
    )
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    # Keys do nothing behind the dialog.
    page.keyboard.press("j")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # A viewer can move between sections but has nothing to edit.
    page.keyboard.press("j")
    page.keyboard.press("e")
    expect(page.locator("form[data-section-editor]")).to_have_count(0)


def test_footer_button_opens_the_same_list(open_page, doc, owner):
    page = open_page(owner, "/")
    button = page.get_by_role("button", name="Keyboard shortcuts")
    button.click()
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()


def test_shortcuts_are_ignored_while_typing(open_page, doc, reviewer):
    page = open_page(reviewer, doc.get_absolute_url())
    scope = shown_section(page, section_named(doc, "Scope"))
    scope.locator(".review-comment-toggle summary").click()  # the compact bar's comment toggle
    comment = scope.get_by_placeholder("Review comment (optional)")
    comment.click()
    page.keyboard.type("j?ek")
    expect(comment).to_have_value("j?ek")
    expect(comment).to_be_focused()
    expect(page.get_by_role("dialog")).to_be_hidden()
