"""Live updates and presence, with two people in two browsers on one plan (no reloads)."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_plan

from .conftest import PHONE
from .helpers import assert_no_reload, editor_form, mark_page, section_named, shown_section

pytestmark = pytest.mark.e2e

# Poll every 0.3 s instead of 3 s: a change shows within a second here.
INTERVAL_MS = 300
TEXT = (
    "# Launch\n\nWhy we launch.\n\n"
    "## Scope\n\nline one\nline two\nline three\n\n"
    "## Risks\n\nNone yet.\n"
)


@pytest.fixture
def doc(project, owner):
    return make_plan(project, owner, text=TEXT)


@pytest.fixture
def open_live(open_page, live_server):
    """open_live(plan, *users) -> one page per user on the plan, polling fast, marked to prove
    they never reload. Every login is done before the first page polls: the test database
    (in-memory SQLite) refuses a read while this thread writes a session."""

    def _open(plan, *users, viewport=None) -> list[Page]:
        pages = [open_page(user, None, viewport=viewport) for user in users]
        for page in pages:
            page.add_init_script(f"window.PLANHUB_LIVE_INTERVAL = {INTERVAL_MS}")
            page.goto(live_server.url + plan.get_absolute_url())
            mark_page(page)
        return pages

    return _open


def open_editor(page: Page, section) -> None:
    shown_section(page, section).locator(".edit-button").click()
    expect(editor_form(page, section).locator("textarea[name=body]")).to_be_focused()


def save(page: Page, section, text: str) -> None:
    open_editor(page, section)
    editor_form(page, section).locator("textarea[name=body]").fill(text)
    editor_form(page, section).get_by_role("button", name="Save").click()
    expect(shown_section(page, section)).to_contain_text(text.splitlines()[0])


def test_a_save_appears_in_the_other_page_without_reload(open_live, doc, owner, editor, screenshot):
    scope = section_named(doc, "Scope")
    olivia, eddie = open_live(doc, owner, editor)

    save(eddie, scope, "Only the EU market.")

    shown = shown_section(olivia, scope)
    expect(shown).to_contain_text("Only the EU market.")
    expect(shown).to_have_attribute("data-version", "2")
    expect(olivia.locator("#live-presence .live-status")).to_have_text("Updated just now")
    expect(olivia.locator("#live-presence .live-status")).to_have_attribute("aria-live", "polite")
    # The edit button of the swapped-in section works (htmx processed the new content).
    open_editor(olivia, scope)
    expect(editor_form(olivia, scope).locator("textarea[name=body]")).to_have_value(
        "Only the EU market."
    )
    assert_no_reload(olivia)
    screenshot(olivia, "live-save-arrived")


def test_approval_and_comment_appear_and_typing_is_never_overwritten(
    open_live, doc, owner, reviewer, screenshot
):
    scope, risks = section_named(doc, "Scope"), section_named(doc, "Risks")
    olivia, rita = open_live(doc, owner, reviewer)

    # Olivia has started a review comment on Risks: that section waits for her.
    shown_section(olivia, risks).locator(".review-comment-toggle summary").click()
    draft = shown_section(olivia, risks).get_by_placeholder("Review comment (optional)")
    draft.fill("Half a thought")

    shown_section(rita, scope).get_by_role("button", name="✓ Approve").click()
    expect(shown_section(rita, scope)).to_contain_text("rita approved version 1")
    box = shown_section(rita, risks)
    box.locator(".comments-link").click()
    box.locator("textarea[name=body]").fill("What about backups?")
    box.get_by_role("button", name="Comment").click()
    expect(box.locator(".comments")).to_contain_text("What about backups?")

    # Rita's approval shows on Olivia's page, with the outline's progress.
    expect(shown_section(olivia, scope)).to_contain_text("rita approved version 1")
    expect(shown_section(olivia, scope).locator(".status-badge")).to_contain_text("Approved")
    expect(olivia.locator("#outline")).to_contain_text("1 of 3 sections approved")
    # Risks still holds Olivia's unsent text, so its comment count waits.
    olivia.wait_for_timeout(INTERVAL_MS * 4)
    expect(draft).to_have_value("Half a thought")
    expect(shown_section(olivia, risks).locator(".comments-link")).to_have_text("Comments")
    screenshot(olivia, "live-approval-arrived")

    # Once she clears it (and leaves the field), the comment arrives.
    draft.fill("")
    draft.blur()
    expect(shown_section(olivia, risks).locator(".comments-link")).to_have_text("1 open comment")
    assert_no_reload(olivia)


def test_open_editor_keeps_my_text_and_says_who_changed_it(
    open_live, doc, owner, editor, screenshot
):
    scope = section_named(doc, "Scope")
    olivia, eddie = open_live(doc, owner, editor)

    open_editor(olivia, scope)
    mine = "line one\nline two\nline three, in Olivia's words"
    textarea = editor_form(olivia, scope).locator("textarea[name=body]")
    textarea.fill(mine)

    save(eddie, scope, "LINE ONE, in Eddie's words\nline two\nline three")

    form = editor_form(olivia, scope)
    notice = form.get_by_role("status").filter(has_text="changed this section")
    expect(notice).to_contain_text("eddie changed this section while you were editing")
    expect(notice).to_contain_text("now version 2")
    expect(textarea).to_have_value(mine)  # the same textarea, untouched
    expect(textarea).to_be_focused()
    expect(form.locator("input[name=version]")).to_have_value("1")
    assert_no_reload(olivia)
    screenshot(olivia, "live-editor-notice")

    # Saving merges the two (they changed different lines): nothing of either is lost.
    form.get_by_role("button", name="Save").click()
    shown = shown_section(olivia, scope)
    expect(shown).to_contain_text("LINE ONE, in Eddie's words")
    expect(shown).to_contain_text("line three, in Olivia's words")
    expect(shown_section(eddie, scope)).to_contain_text("line three, in Olivia's words")
    assert_no_reload(eddie)


def test_presence_shows_who_reads_and_who_edits_which_section(
    open_live, doc, owner, editor, viewer, screenshot
):
    scope = section_named(doc, "Scope")
    olivia, eddie, victor = open_live(doc, owner, editor, viewer)

    chips = olivia.locator("#live-presence .presence-chip")
    expect(chips).to_have_count(2)
    expect(chips.locator(".presence-name")).to_have_text(["eddie", "victor"])  # never me
    expect(eddie.locator("#live-presence .presence-name")).to_have_text(["olivia", "victor"])

    open_editor(eddie, scope)
    line = shown_section(olivia, scope).locator(".live-editing")
    expect(line).to_have_text("eddie is editing…")
    expect(olivia.locator("#live-presence .presence-chip.is-editing")).to_have_attribute(
        "title", "eddie is editing “Scope”"
    )
    expect(olivia.locator("#outline .toc-editing")).to_have_count(1)
    expect(shown_section(victor, scope).locator(".live-editing")).to_have_text("eddie is editing…")
    # Eddie is not told that he himself is editing.
    expect(eddie.locator(".live-editing")).to_have_count(0)
    screenshot(olivia, "live-presence-editing")
    screenshot(eddie, "live-presence-editor-side")

    # The viewer stays a reader whatever he does; closing the editor ends "editing".
    editor_form(eddie, scope).locator("[data-cancel]").click()
    expect(line).to_have_count(0)
    expect(olivia.locator("#live-presence .presence-chip.is-editing")).to_have_count(0)

    for page in (olivia, eddie):
        assert_no_reload(page)


def test_presence_fits_on_a_phone(open_live, doc, owner, editor, viewer, screenshot):
    scope = section_named(doc, "Scope")
    (olivia,) = open_live(doc, owner, viewport=PHONE)
    eddie, _victor = open_live(doc, editor, viewer)
    open_editor(eddie, scope)
    expect(shown_section(olivia, scope).locator(".live-editing")).to_have_text("eddie is editing…")
    expect(olivia.locator("#live-presence .presence-chip")).to_have_count(2)
    width = olivia.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0, "the page scrolls sideways on a phone"
    screenshot(olivia, "live-presence-phone")


def test_sections_added_moved_and_deleted_by_others_follow(open_live, doc, owner, editor):
    launch, scope, risks = (section_named(doc, name) for name in ("Launch", "Scope", "Risks"))
    eddie, olivia = open_live(doc, editor, owner)

    def order(page):
        return page.eval_on_selector_all(
            "article.plan-body > [id^=section-]", "nodes => nodes.map(n => n.id)"
        )

    menu = shown_section(olivia, risks).locator(".section-menu")
    menu.locator("summary").click()
    menu.get_by_role("button", name="Move up").click()
    olivia.wait_for_load_state()
    expected = [f"section-{s.pk}" for s in (launch, risks, scope)]
    expect(eddie.locator("article.plan-body > [id^=section-]")).to_have_count(3)
    eddie.wait_for_function(
        "ids => [...document.querySelectorAll('article.plan-body > [id^=section-]')]"
        ".map(n => n.id).join() === ids.join()",
        arg=expected,
    )
    assert order(eddie) == expected

    menu = shown_section(olivia, scope).locator(".section-menu")
    menu.locator("summary").click()
    menu.get_by_role("button", name="Delete (recoverable)").click()
    expect(shown_section(eddie, scope)).to_have_count(0)
    assert_no_reload(eddie)
