"""Two people edit the same section: the second save is refused, nothing typed is lost."""

import pytest
from playwright.sync_api import expect

from planhub.plans.models import Section
from tests.factories import make_plan

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
    # Nothing in common: the whole text is one clash, both texts between markers.
    marked = f"<<<<<<< your text\n{EDDIE_TEXT}\n=======\n{OLIVIA_TEXT}\n>>>>>>> olivia's version 2"
    expect(form.locator("textarea[name=body]")).to_have_value(marked)
    expect(form.locator("input[name=heading]")).to_have_value("Overview")
    hunk = form.locator(".conflict-hunk")
    expect(hunk).to_have_count(1)
    # Both texts, the words one has and the other not marked (<ins>, not colour alone).
    expect(hunk.locator("pre.their-text ins").last).to_contain_text("checkout v2** in May")
    expect(hunk.locator("pre.my-text")).to_contain_text("keep the old receipts")
    expect(form.locator("input[name=version]")).to_have_value("2")
    assert_no_reload(eddie_page)
    overview.refresh_from_db()
    assert (overview.version, overview.editable_body) == (2, OLIVIA_TEXT)

    # Both, hers first: nobody's text is dropped.
    hunk.get_by_role("button", name="Both, theirs first").click()
    both = f"{OLIVIA_TEXT}\n{EDDIE_TEXT}"
    expect(form.locator("textarea[name=body]")).to_have_value(both)
    expect(hunk.get_by_role("button", name="Both, theirs first")).to_have_attribute(
        "aria-pressed", "true"
    )
    screenshot(eddie_page, "conflict")
    form.get_by_role("button", name="Save").click()
    section = shown_section(eddie_page, overview)
    expect(section.locator("table td").first).to_have_text("Load")
    expect(section.locator("strong").first).to_have_text("checkout v2")
    expect(editor_form(eddie_page, overview)).to_have_count(0)
    assert_no_reload(eddie_page)
    overview.refresh_from_db()
    assert (overview.version, overview.editable_body, overview.updated_by) == (3, both, eddie)
    assert overview.revisions.get(version=3).note == "Resolved a conflict with version 2"

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
    expect(form.locator("textarea[name=body]")).to_have_value(
        "<<<<<<< your text\nMine.\n=======\nTheirs.\n>>>>>>> olivia's version 2"
    )
    assert messages == ["Discard your changes to this section?"]


LINES = [f"Line {n} of the rollout plan." for n in range(1, 12)]
DOC = "# Plan\n\n## Rollout\n\n" + "\n".join(LINES) + "\n\n## Risks\n\nNone yet.\n"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def doc(project, owner):
    return make_plan(project, owner, text=DOC)


def with_lines(**changes) -> str:
    return "\n".join(changes.get(f"l{n}", line) for n, line in enumerate(LINES, 1))


def open_editor(page, section):
    shown_section(page, section).get_by_role("link", name=f"Edit {section.heading}").click()
    form = editor_form(page, section)
    expect(form.locator("textarea[name=body]")).to_be_focused()
    return form


def both_edit(open_page, doc, owner, editor, *, theirs, mine, viewport=DESKTOP, heading=None):
    """Olivia (owner) and Eddie (editor) open the same version; she saves `theirs`, then he
    saves `mine` (and `heading`)."""
    rollout = section_named(doc, "Rollout")
    olivia = open_page(owner, doc.get_absolute_url(), viewport=viewport)
    eddie = open_page(editor, doc.get_absolute_url(), viewport=viewport)
    mark_page(eddie)
    first, second = open_editor(olivia, rollout), open_editor(eddie, rollout)
    first.locator("textarea[name=body]").fill(theirs[1])
    first.locator("input[name=heading]").fill(theirs[0])
    first.get_by_role("button", name="Save").click()
    expect(editor_form(olivia, rollout)).to_have_count(0)
    second.locator("textarea[name=body]").fill(mine)
    if heading:
        second.locator("input[name=heading]").fill(heading)
    second.get_by_role("button", name="Save").click()
    return rollout, eddie, editor_form(eddie, rollout)


def test_edits_of_different_lines_merge_without_a_conflict(open_page, doc, owner, editor):
    rollout, eddie, _form = both_edit(
        open_page,
        doc,
        owner,
        editor,
        theirs=("Rollout", with_lines(l2="Line 2, by Olivia.")),
        mine=with_lines(l10="Line 10, by Eddie."),
    )
    shown = shown_section(eddie, rollout)
    expect(shown.locator(".save-notice")).to_have_text("Merged with olivia's change.")
    assert Section.objects.get(pk=rollout.pk).editable_body == with_lines(
        l2="Line 2, by Olivia.", l10="Line 10, by Eddie."
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_overlapping_edits_are_a_choice_and_the_rest_is_merged(
    open_page, console_errors, doc, owner, editor, screenshot, viewport
):
    """The reported case: Olivia changed lines 5 and 9, Eddie line 5 only."""
    console_errors.allow(r"status of 409 \(Conflict\)")
    rollout, eddie, form = both_edit(
        open_page,
        doc,
        owner,
        editor,
        theirs=("Rollout", with_lines(l5="Line 5: ship on Monday.", l9="Line 9, Olivia's.")),
        mine=with_lines(l5="Line 5: ship on Friday."),
        viewport=viewport,
    )
    body = form.locator("textarea[name=body]")
    expect(form.locator(".alert-conflict")).to_contain_text("1 part you both changed is marked")
    # Her line 9 is already in; line 5 is marked, both versions in it.
    expect(body).to_have_value(
        with_lines(
            l5="<<<<<<< your text\nLine 5: ship on Friday.\n=======\n"
            "Line 5: ship on Monday.\n>>>>>>> olivia's version 2",
            l9="Line 9, Olivia's.",
        )
    )
    hunk = form.locator(".conflict-hunk")
    # The words that changed are marked on both sides (<ins>, not colour alone).
    expect(hunk.locator("pre.my-text ins")).to_contain_text("Friday")
    expect(hunk.locator("pre.their-text ins")).to_contain_text("Monday")
    choices = hunk.get_by_role("group", name="Keep for part 1")
    screenshot(eddie, f"conflict-choice-{viewport['width']}")

    choices.get_by_role("button", name="Mine", exact=True).click()
    expect(body).to_have_value(with_lines(l5="Line 5: ship on Friday.", l9="Line 9, Olivia's."))
    choices.get_by_role("button", name="Theirs", exact=True).click()
    expect(body).to_have_value(with_lines(l5="Line 5: ship on Monday.", l9="Line 9, Olivia's."))
    choices.get_by_role("button", name="Both, mine first").click()
    resolved = with_lines(
        l5="Line 5: ship on Friday.\nLine 5: ship on Monday.", l9="Line 9, Olivia's."
    )
    expect(body).to_have_value(resolved)
    expect(choices.get_by_role("status")).to_contain_text("Kept: both, mine first.")
    # Still an ordinary editor: typing after choosing is kept.
    body.press("End")
    body.press_sequentially(" Checked.")
    screenshot(eddie, f"conflict-chosen-{viewport['width']}")
    form.get_by_role("button", name="Save").click()
    expect(shown_section(eddie, rollout)).to_contain_text("Line 9, Olivia's.")
    assert_no_reload(eddie)
    saved = Section.objects.get(pk=rollout.pk)
    assert saved.editable_body == resolved + " Checked."
    assert saved.revisions.get(version=3).note == "Resolved a conflict with version 2"


def test_saving_with_a_part_unchosen_is_refused_with_the_text_kept(
    open_page, console_errors, doc, owner, editor, screenshot
):
    console_errors.allow(r"status of 409 \(Conflict\)")
    console_errors.allow(r"status of 422 \(Unprocessable (Content|Entity)\)")
    rollout, eddie, form = both_edit(
        open_page,
        doc,
        owner,
        editor,
        theirs=("Rollout", with_lines(l1="Olivia's first line.", l11="Olivia's last line.")),
        mine=with_lines(l1="Eddie's first line.", l11="Eddie's last line."),
    )
    expect(form.locator(".conflict-hunk")).to_have_count(2)
    form.get_by_role("group", name="Keep for part 1").get_by_role(
        "button", name="Theirs", exact=True
    ).click()
    kept = form.locator("textarea[name=body]").input_value()
    form.get_by_role("button", name="Save").click()
    alert = form.locator(".alert-error")
    expect(alert).to_contain_text("Not saved: 1 conflicting part is still marked in the text.")
    expect(form.locator("textarea[name=body]")).to_have_value(kept)
    screenshot(eddie, "conflict-refused")
    assert Section.objects.get(pk=rollout.pk).version == 2
    # The part left is offered again; choosing it lets the save through.
    form.get_by_role("group", name="Keep for part 1").get_by_role(
        "button", name="Both, theirs first"
    ).click()
    form.get_by_role("button", name="Save").click()
    expect(editor_form(eddie, rollout)).to_have_count(0)
    assert Section.objects.get(pk=rollout.pk).editable_body == with_lines(
        l1="Olivia's first line.", l11="Olivia's last line.\nEddie's last line."
    )


def test_a_heading_both_changed_is_a_choice(
    open_page, console_errors, doc, owner, editor, screenshot
):
    console_errors.allow(r"status of 409 \(Conflict\)")
    rollout, eddie, form = both_edit(
        open_page,
        doc,
        owner,
        editor,
        theirs=("Rollout in May", with_lines(l3="Line 3, Olivia's.")),
        mine=with_lines(l7="Line 7, Eddie's."),
        heading="Rollout in June",
    )
    expect(form.locator("textarea[name=body]")).to_have_value(
        with_lines(l3="Line 3, Olivia's.", l7="Line 7, Eddie's.")
    )
    heading = form.locator("input[name=heading]")
    expect(heading).to_have_value("Rollout in June")
    choices = form.get_by_role("group", name="Heading to keep")
    choices.get_by_role("button", name="Theirs", exact=True).click()
    expect(heading).to_have_value("Rollout in May")
    screenshot(eddie, "conflict-heading")
    form.get_by_role("button", name="Save").click()
    expect(editor_form(eddie, rollout)).to_have_count(0)
    saved = Section.objects.get(pk=rollout.pk)
    assert saved.heading == "Rollout in May"
    assert saved.editable_body == with_lines(l3="Line 3, Olivia's.", l7="Line 7, Eddie's.")
