"""Two people editing one plan: merges, conflict resolution, ticking tasks, outline changes."""

import pytest
from playwright.sync_api import expect

from planhub.plans.models import Section
from tests.factories import make_plan

from .helpers import assert_no_reload, editor_form, mark_page, section_named, shown_section

pytestmark = pytest.mark.e2e

TEXT = "# Plan\n\n## Scope\n\nfirst line\n\nmiddle line\n\nlast line\n\n## Tasks\n\n- [ ] backups\n"


@pytest.fixture
def doc(project, owner):
    return make_plan(project, owner, text=TEXT)


def open_editor(page, section):
    shown_section(page, section).get_by_role("link", name=f"Edit {section.heading}").click()
    form = editor_form(page, section)
    expect(form.locator("textarea[name=body]")).to_be_focused()  # loaded at the current version
    return form


def test_edits_of_different_lines_merge(open_page, doc, owner, editor, screenshot):
    scope = section_named(doc, "Scope")
    olivia, eddie = (
        open_page(owner, doc.get_absolute_url()),
        open_page(editor, doc.get_absolute_url()),
    )
    first, second = open_editor(olivia, scope), open_editor(eddie, scope)
    first.locator("textarea[name=body]").fill("FIRST LINE\n\nmiddle line\n\nlast line")
    first.get_by_role("button", name="Save").click()
    expect(shown_section(olivia, scope)).to_contain_text("FIRST LINE")

    mark_page(eddie)
    second.locator("textarea[name=body]").fill("first line\n\nmiddle line\n\nLAST LINE")
    second.get_by_role("button", name="Save").click()
    shown = shown_section(eddie, scope)
    expect(shown.locator(".save-notice")).to_have_text("Merged with olivia's change.")
    expect(shown.locator(".section-body")).to_contain_text("FIRST LINE")
    expect(shown.locator(".section-body")).to_contain_text("LAST LINE")
    assert_no_reload(eddie)
    screenshot(eddie, "collab-merged")
    assert Section.objects.get(pk=scope.pk).version == 3


def test_overlapping_edits_open_the_conflict_view_and_the_resolution_saves(
    open_page, doc, owner, editor, console_errors, screenshot
):
    scope = section_named(doc, "Scope")
    console_errors.allow(r"status of 409")
    olivia, eddie = (
        open_page(owner, doc.get_absolute_url()),
        open_page(editor, doc.get_absolute_url()),
    )
    first, second = open_editor(olivia, scope), open_editor(eddie, scope)
    first.locator("textarea[name=body]").fill("first line\n\nMIDDLE (olivia)\n\nlast line")
    first.get_by_role("button", name="Save").click()
    expect(shown_section(olivia, scope)).to_contain_text("MIDDLE (olivia)")

    second.locator("textarea[name=body]").fill("first line\n\nmiddle (eddie)\n\nlast line")
    second.get_by_role("button", name="Save").click()
    form = editor_form(eddie, scope)
    expect(form.locator(".alert-conflict")).to_contain_text("olivia changed the same lines")
    expect(form.locator("pre.their-text")).to_contain_text("MIDDLE (olivia)")
    expect(form.locator("pre.my-text")).to_contain_text("middle (eddie)")
    expect(form.locator("textarea[name=body]")).to_have_value(
        "first line\n\n<<<<<<< your text\nmiddle (eddie)\n=======\nMIDDLE (olivia)\n"
        ">>>>>>> olivia's version 2\n\nlast line"
    )
    screenshot(eddie, "collab-conflict")
    form.locator("textarea[name=body]").fill("first line\n\nmiddle (olivia and eddie)\n\nlast line")
    form.get_by_role("button", name="Save").click()
    expect(shown_section(eddie, scope)).to_contain_text("middle (olivia and eddie)")
    revision = Section.objects.get(pk=scope.pk).revisions.get(version=3)
    assert revision.note == "Resolved a conflict with version 2"


def test_tick_a_task_on_the_rendered_page(open_page, doc, editor, viewer):
    tasks = section_named(doc, "Tasks")
    page = open_page(editor, doc.get_absolute_url())
    mark_page(page)
    box = shown_section(page, tasks).get_by_role("checkbox", name="Done: backups")
    box.check()
    expect(shown_section(page, tasks).get_by_role("checkbox", name="Done: backups")).to_be_checked()
    expect(shown_section(page, tasks).get_by_role("checkbox", name="Done: backups")).to_be_enabled()
    assert_no_reload(page)
    assert Section.objects.get(pk=tasks.pk).editable_body == "- [x] backups"
    reader = open_page(viewer, doc.get_absolute_url())
    expect(shown_section(reader, tasks).get_by_role("checkbox")).to_be_disabled()


def test_section_menu_add_move_delete_and_restore(open_page, doc, editor, screenshot):
    scope = section_named(doc, "Scope")
    page = open_page(editor, doc.get_absolute_url())
    shown_section(page, scope).get_by_label("More for Scope").click()
    screenshot(page, "collab-section-menu")
    page.get_by_role("button", name="Add a section after this one").click()
    new = Section.objects.get(plan=doc, heading="New section")
    form = editor_form(page, new)
    expect(form.locator("textarea[name=body]")).to_be_focused()
    form.locator("input[name=heading]").fill("Timeline")
    form.locator("textarea[name=body]").fill("Two sprints.")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#outline")).to_contain_text("Timeline")

    shown_section(page, scope).get_by_label("More for Scope").click()
    page.get_by_role("button", name="Delete (recoverable)").click()
    expect(page.locator(".flash-success")).to_contain_text("Deleted “Scope”")
    expect(page.locator(f"#section-{scope.pk}")).to_have_count(0)

    page.get_by_role("link", name="History").first.click()
    expect(page.locator(".deleted-sections")).to_contain_text("Scope")
    page.locator(".deleted-sections").get_by_role("button", name="Restore").click()
    expect(shown_section(page, scope)).to_contain_text("middle line")
    assert doc.to_markdown().index("## Scope") < doc.to_markdown().index("## Timeline")
