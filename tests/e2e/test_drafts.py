"""Autosaved drafts: text typed in an open editor survives a reload or a crash, and is offered back.

Drafts live in the browser's localStorage, which belongs to a browser context: a reload or a
new page in the same context sees them, a new context (open_page) does not.
"""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import session_cookie
from .helpers import editor_form, section_named, shown_section

pytestmark = pytest.mark.e2e

DRAFT_HEADING = "Overview, rewritten"
DRAFT_BODY = """Draft text that was never saved.

- first point
- second point"""
# Long enough for the offer to have shown up had there been one (it comes ~70 ms after a swap).
SETTLE_MS = 400


@pytest.fixture
def overview(plan):
    return section_named(plan, "Overview")


@pytest.fixture
def plan_page(open_page, owner, plan):
    return open_page(owner, plan.get_absolute_url())


def draft_key(section, user=None) -> str:
    return f"planhub:draft:{(user or section.plan.created_by).pk}:{section.pk}"


def stored_draft(page: Page, section, user=None) -> dict | None:
    raw = page.evaluate("key => window.localStorage.getItem(key)", draft_key(section, user))
    return json.loads(raw) if raw else None


def wait_for_stored_body(page: Page, section, body: str) -> None:
    """Wait until the autosave (debounced) has written `body` for the section."""
    page.wait_for_function(
        """([key, body]) => {
            const raw = window.localStorage.getItem(key);
            return raw !== null && JSON.parse(raw).body === body;
        }""",
        arg=[draft_key(section), body],
    )


def reload_leaving_editor(page: Page) -> None:
    """Reload; planhub.js asks before leaving a changed editor (beforeunload): say yes."""

    def leave(dialog):
        assert dialog.type == "beforeunload"
        dialog.accept()

    page.on("dialog", leave)
    try:
        page.reload()
    finally:
        page.remove_listener("dialog", leave)


def open_editor(page: Page, section, name: str = "Overview"):
    page.get_by_role("link", name=f"Edit {name}", exact=True).click()
    form = editor_form(page, section)
    expect(form.locator("textarea[name=body]")).to_be_focused()
    return form


def type_draft(page: Page, section):
    form = open_editor(page, section)
    form.locator("input[name=heading]").fill(DRAFT_HEADING)
    form.locator("textarea[name=body]").fill(DRAFT_BODY)
    return form


def offer_of(form):
    return form.locator("[data-draft-offer]")


def hint_of(page: Page, section):
    return shown_section(page, section).locator(".draft-hint")


def expect_no_draft_anywhere(page: Page, section, name: str = "Overview") -> None:
    """No hint next to Edit, no offer in the editor, nothing stored."""
    page.wait_for_timeout(SETTLE_MS)
    expect(page.locator(".draft-hint")).to_have_count(0)
    assert stored_draft(page, section) is None
    form = open_editor(page, section, name)
    page.wait_for_timeout(SETTLE_MS)
    expect(offer_of(form)).to_have_count(0)
    expect(form.locator("textarea[name=body]")).to_have_value(section.editable_body)


def test_reload_shows_hint_and_offer_restore_then_save_clears_it(
    plan_page, plan, overview, screenshot
):
    page = plan_page
    original_body = overview.editable_body
    type_draft(page, overview)
    wait_for_stored_body(page, overview, DRAFT_BODY)
    draft = stored_draft(page, overview)
    assert draft["heading"] == DRAFT_HEADING
    assert draft["version"] == 1
    assert draft["planId"] == str(plan.pk)
    assert isinstance(draft["savedAt"], int | float)
    # Pretend the text was typed three minutes ago, to see how the offer says it.
    page.evaluate(
        """key => {
            const draft = JSON.parse(window.localStorage.getItem(key));
            draft.savedAt = Date.now() - (3 * 60 + 10) * 1000;
            window.localStorage.setItem(key, JSON.stringify(draft));
        }""",
        draft_key(overview),
    )

    reload_leaving_editor(page)

    # Only the section with a draft shows the hint, right by its Edit button.
    hint = hint_of(page, overview)
    expect(hint).to_have_text("Unsaved draft")
    expect(page.locator(".draft-hint")).to_have_count(1)
    edit = page.get_by_role("link", name="Edit Overview", exact=True)
    expect(edit).to_have_attribute("aria-describedby", f"draft-hint-{overview.pk}")

    form = open_editor(page, overview)
    offer = offer_of(form)
    expect(offer).to_have_attribute("role", "status")
    expect(offer).to_contain_text("You have unsaved text for this section from 3 minutes ago.")
    expect(offer).not_to_contain_text("version")  # same version: nothing to warn about
    # The editor shows the saved text until the user chooses.
    expect(form.locator("textarea[name=body]")).to_have_value(original_body)
    expect(form.locator("input[name=heading]")).to_have_value("Overview")
    shot = screenshot(page, "draft-offer")
    assert shot.stat().st_size > 0

    offer.get_by_role("button", name="Restore it").click()
    expect(form.locator("textarea[name=body]")).to_have_value(DRAFT_BODY)
    expect(form.locator("input[name=heading]")).to_have_value(DRAFT_HEADING)
    expect(form.locator("textarea[name=body]")).to_be_focused()
    expect(offer.get_by_role("button")).to_have_count(0)
    expect(offer).to_contain_text("Your unsaved text is back in the editor. It is not saved yet.")

    # Restored text counts as a change: Esc asks before throwing it away.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    form.locator("textarea[name=body]").press("Escape")
    page.wait_for_timeout(SETTLE_MS)
    assert asked == ["Discard your changes to this section?"]
    expect(form.locator("textarea[name=body]")).to_have_value(DRAFT_BODY)

    form.get_by_role("button", name="Save").click()
    section = shown_section(page, overview)
    expect(section.locator("h2")).to_have_text(DRAFT_HEADING)
    expect(section.locator(".section-body li")).to_have_text(["first point", "second point"])
    expect(hint_of(page, overview)).to_have_count(0)
    assert stored_draft(page, overview) is None
    overview.refresh_from_db()
    assert (overview.heading, overview.editable_body, overview.version) == (
        DRAFT_HEADING, DRAFT_BODY, 2
    )  # fmt: skip

    page.reload()
    expect(section.locator("h2")).to_have_text(DRAFT_HEADING)
    expect_no_draft_anywhere(page, overview, DRAFT_HEADING)


def test_reload_right_after_typing_keeps_the_text(plan_page, overview):
    """No waiting for the autosave: leaving the page writes what was just typed."""
    page = plan_page
    form = open_editor(page, overview)
    form.locator("textarea[name=body]").fill(DRAFT_BODY)
    reload_leaving_editor(page)

    expect(hint_of(page, overview)).to_have_text("Unsaved draft")
    assert stored_draft(page, overview)["body"] == DRAFT_BODY
    form = open_editor(page, overview)
    offer_of(form).get_by_role("button", name="Restore it").click()
    expect(form.locator("textarea[name=body]")).to_have_value(DRAFT_BODY)


def test_discard_removes_the_draft(plan_page, overview):
    page = plan_page
    type_draft(page, overview)
    wait_for_stored_body(page, overview, DRAFT_BODY)
    reload_leaving_editor(page)

    expect(hint_of(page, overview)).to_be_visible()
    form = open_editor(page, overview)
    offer = offer_of(form)
    offer.get_by_role("button", name="Discard").click()
    expect(offer).to_have_count(0)
    expect(form.locator("textarea[name=body]")).to_have_value(overview.editable_body)
    expect(form.locator("input[name=heading]")).to_have_value("Overview")
    expect(form.locator("textarea[name=body]")).to_be_focused()
    assert stored_draft(page, overview) is None

    # The editor is unchanged, so Esc closes it without asking; nothing comes back.
    form.locator("textarea[name=body]").press("Escape")
    expect(shown_section(page, overview)).to_be_visible()
    page.reload()
    expect_no_draft_anywhere(page, overview)


def test_cancel_after_confirming_clears_the_draft(plan_page, overview):
    page = plan_page
    form = type_draft(page, overview)
    wait_for_stored_body(page, overview, DRAFT_BODY)

    # Esc, then "no": the editor and the draft stay.
    page.once("dialog", lambda dialog: dialog.dismiss())
    form.locator("textarea[name=body]").press("Escape")
    page.wait_for_timeout(SETTLE_MS)
    expect(form.locator("textarea[name=body]")).to_have_value(DRAFT_BODY)
    assert stored_draft(page, overview)["body"] == DRAFT_BODY

    # Esc, then "yes": the section is back and the draft is gone.
    page.once("dialog", lambda dialog: dialog.accept())
    form.locator("textarea[name=body]").press("Escape")
    expect(shown_section(page, overview)).to_be_visible()
    expect(form).to_have_count(0)
    page.wait_for_timeout(SETTLE_MS)
    assert stored_draft(page, overview) is None
    expect(hint_of(page, overview)).to_have_count(0)
    page.reload()
    expect_no_draft_anywhere(page, overview)


def test_a_conflict_keeps_the_draft_until_the_text_is_saved(
    plan_page, plan, overview, owner, editor, console_errors, screenshot
):
    page = plan_page
    # The refused save answers 409 Conflict by design, which Chromium logs as a failed load.
    console_errors.allow(
        rf"status of 409 \(Conflict\) @ .*{re.escape(overview.get_absolute_url())}$"
    )
    form = open_editor(page, overview)
    expect(form.locator("input[name=version]")).to_have_value("1")
    # Someone else saves meanwhile (straight to the database, as another request would).
    overview.save_edit(author=editor, heading="Overview", body="Theirs.", base_version=1)

    form.locator("textarea[name=body]").fill("Mine.")
    form.get_by_role("button", name="Save").click()
    expect(form).to_have_attribute("data-unsaved", "")
    expect(form.locator("input[name=version]")).to_have_value("2")
    expect(form.locator("textarea[name=body]")).to_have_value(
        "<<<<<<< your text\nMine.\n=======\nTheirs.\n>>>>>>> eddie's version 2"
    )
    page.wait_for_timeout(SETTLE_MS)
    # The typed text is still the draft (not the proposal made of it), based on the version
    # it was written on; no offer
    # of the same text the editor already shows.
    draft = stored_draft(page, overview)
    assert (draft["body"], draft["version"]) == ("Mine.", 1)
    expect(offer_of(form)).to_have_count(0)

    reload_leaving_editor(page)
    expect(hint_of(page, overview)).to_have_text("Unsaved draft")
    screenshot(page, "draft-hint")
    form = open_editor(page, overview)
    expect(form.locator("textarea[name=body]")).to_have_value("Theirs.")
    offer = offer_of(form)
    expect(offer).to_contain_text("You have unsaved text for this section from")
    expect(offer).to_contain_text(
        "It was written on version 1; the section is now at version 2 — saving will be "
        "checked against the newer version"
    )
    expect(offer).to_have_class(re.compile(r"\balert-draft-older\b"))
    expect(offer.get_by_role("button", name="Restore it")).to_be_visible()
    screenshot(page, "draft-offer-older-version")
    offer.get_by_role("button", name="Restore it").click()
    expect(form.locator("textarea[name=body]")).to_have_value("Mine.")
    # After restoring, the warning about the newer version stays until the text is saved.
    expect(offer).to_contain_text("the section is now at version 2")
    expect(form.locator("input[name=version]")).to_have_value("2")

    form.get_by_role("button", name="Save").click()
    expect(shown_section(page, overview).locator(".section-body")).to_have_text("Mine.")
    page.wait_for_timeout(SETTLE_MS)
    assert stored_draft(page, overview) is None
    overview.refresh_from_db()
    assert (overview.editable_body, overview.version) == ("Mine.", 3)


def test_text_survives_a_crash(open_page, live_server, owner, plan, overview):
    """The page goes away without unload events; a new page in the same browser gets it back."""
    page = open_page(owner, plan.get_absolute_url())
    type_draft(page, overview)
    wait_for_stored_body(page, overview, DRAFT_BODY)
    context = page.context
    page.close()  # no beforeunload, no save

    page = context.new_page()
    page.goto(live_server.url + plan.get_absolute_url())
    expect(hint_of(page, overview)).to_have_text("Unsaved draft")
    form = open_editor(page, overview)
    offer = offer_of(form)
    expect(offer).to_contain_text(
        "You have unsaved text for this section from less than a minute ago."
    )
    offer.get_by_role("button", name="Restore it").click()
    expect(form.locator("input[name=heading]")).to_have_value(DRAFT_HEADING)
    expect(form.locator("textarea[name=body]")).to_have_value(DRAFT_BODY)


def test_unchanged_or_reverted_editor_leaves_no_draft(plan_page, overview):
    page = plan_page
    form = open_editor(page, overview)
    body = form.locator("textarea[name=body]")
    body.press("Control+End")
    body.type("x")
    wait_for_stored_body(page, overview, overview.editable_body + "x")
    body.press("Backspace")  # back to the saved text: nothing unsaved any more
    page.wait_for_function(
        "key => window.localStorage.getItem(key) === null", arg=draft_key(overview)
    )
    page.reload()  # unchanged editor: no question on leaving
    expect_no_draft_anywhere(page, overview)


def test_works_without_local_storage(open_page, live_server, owner, plan, overview):
    """Private mode or disabled storage: every access throws; editing works, no JS errors."""
    page = open_page(owner, None)
    page.context.add_init_script(
        """Object.defineProperty(window, "localStorage", {
            configurable: true,
            get() { throw new DOMException("The operation is insecure.", "SecurityError"); },
        });"""
    )
    page.goto(live_server.url + plan.get_absolute_url())
    form = type_draft(page, overview)
    page.wait_for_timeout(800)  # past the autosave delay
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    form.get_by_role("button", name="Save").click()
    expect(shown_section(page, overview).locator("h2")).to_have_text(DRAFT_HEADING)
    page.reload()
    expect(shown_section(page, overview).locator("h2")).to_have_text(DRAFT_HEADING)
    page.wait_for_timeout(SETTLE_MS)
    expect(page.locator(".draft-hint")).to_have_count(0)
    # (console_errors fails the test on any uncaught exception.)


def test_a_draft_is_offered_only_to_the_person_who_typed_it(
    open_page, live_server, owner, editor, plan, overview
):
    """A shared browser: the owner leaves unsaved text, the editor logs in on the same browser."""
    page = open_page(owner, plan.get_absolute_url())
    type_draft(page, overview)
    wait_for_stored_body(page, overview, DRAFT_BODY)
    context = page.context
    page.close()
    context.clear_cookies()
    context.add_cookies([session_cookie(editor, live_server.url)])
    page = context.new_page()
    page.goto(live_server.url + plan.get_absolute_url())
    page.wait_for_timeout(SETTLE_MS)
    expect(page.locator(".draft-hint")).to_have_count(0)
    form = open_editor(page, overview)
    page.wait_for_timeout(SETTLE_MS)
    expect(offer_of(form)).to_have_count(0)
    assert stored_draft(page, overview, owner)["body"] == DRAFT_BODY  # still the owner's
