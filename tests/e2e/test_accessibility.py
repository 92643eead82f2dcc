"""Accessibility in Chromium: axe-core on every main page, focus, announcements, shortcuts.

axe-core (tests/e2e/vendor/axe-core/, for these tests only) runs with the WCAG 2.0/2.1 A and AA
rules plus best practices. A serious or critical violation fails the test; every page's counts
(all impacts) go to test-artifacts/axe-summary.json.
"""

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from planhub.plans.models import Plan
from planhub.reviews.models import Comment

from .conftest import REPO_ROOT
from .helpers import editor_form, shown_section

pytestmark = pytest.mark.e2e

AXE_SOURCE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SUMMARY = Path(os.environ.get("AXE_SUMMARY") or REPO_ROOT / "test-artifacts" / "axe-summary.json")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")

AXE_RUN = """async ([tags, exclude]) => {
  const context = {include: [["html"]], exclude: exclude.map((selector) => [selector])};
  const result = await axe.run(context, {runOnly: {type: "tag", values: tags}});
  return {
    violations: result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.join(" ")),
    })),
    passes: result.passes.length,
    incomplete: result.incomplete.map((v) => v.id),
  };
}"""


def record_summary(name: str, violations: list[dict], passes: int, incomplete: list[str]) -> None:
    """Counts per impact (violating elements, and rules) for the page, merged into the summary;
    with the number of rules that passed and those axe could not decide (to check by hand)."""
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    summary = json.loads(SUMMARY.read_text()) if SUMMARY.exists() else {}
    counts = {impact: 0 for impact in ("critical", "serious", "moderate", "minor")}
    for violation in violations:
        counts[violation["impact"]] = counts.get(violation["impact"], 0) + len(violation["targets"])
    summary[name] = {
        "elements": counts,
        "rules": {
            v["id"]: {"impact": v["impact"], "elements": len(v["targets"])} for v in violations
        },
        "rules_passed": passes,
        "needs_review": incomplete,
    }
    SUMMARY.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")


def check_axe(page: Page, name: str, exclude: tuple[str, ...] = ()) -> list[dict]:
    """Run axe on the page as it is now; fail on serious or critical violations."""
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') does not apply.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate(AXE_RUN, [AXE_TAGS, list(exclude)])
    violations = result["violations"]
    assert result["passes"] > 10, f"axe did not run on {name}"
    record_summary(name, violations, result["passes"], result["incomplete"])
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} {v['helpUrl']}\n    "
        + "\n    ".join(v["targets"][:8])
        for v in failing
    )
    assert not failing, f"axe on {name}: serious or critical violations\n{report}"
    return violations


def path_of(plan: Plan, suffix: str = "") -> str:
    return plan.get_absolute_url() + suffix


@pytest.mark.parametrize(
    ("name", "user", "path"),
    [
        ("login", None, "/accounts/login/"),
        ("signup-closed", None, "/accounts/signup/"),
        ("profile", "alice", "/accounts/profile/"),
        ("two-factor", "alice", "/accounts/2fa/"),
        ("email-addresses", "alice", "/accounts/email/"),
        ("password-change", "alice", "/accounts/password/change/"),
        ("dashboard", "alice", "/"),
        ("project", "alice", "/p/demo/"),
        ("plan-view", "alice", "PLAN"),
        ("plan-view-reviewer", "carol", "PLAN"),
        ("plan-history", "alice", "PLAN:activity/"),
        ("section-history", "alice", "SECTION:history/"),
        ("new-plan", "bob", "/p/demo/plans/new/"),
        ("members", "alice", "/p/demo/members/"),
        ("print-view", "dave", "PLAN:print/"),
    ],
)
def test_page_has_no_serious_axe_violations(open_page, demo, name, user, path):
    plan = demo["plan"]
    if path == "PLAN":
        path = path_of(plan)
    elif path.startswith("PLAN:"):
        path = path_of(plan, path[5:])
    elif path.startswith("SECTION:"):
        path = demo["summary"].get_absolute_url() + path[8:]
    page = open_page(demo[user] if user else None, path)
    # The printable page's DRAFT watermark is decoration (aria-hidden, faint on purpose; the
    # page says "DRAFT" in text too): WCAG 1.4.3 exempts it from the contrast minimum.
    check_axe(page, name, exclude=(".watermark",) if name == "print-view" else ())


def test_plan_with_editor_open(open_page, demo):
    page = open_page(demo["alice"], path_of(demo["plan"]))
    summary = demo["summary"]
    shown_section(page, summary).get_by_role("link", name="Edit Summary").click()
    expect(editor_form(page, summary).locator("textarea[name=body]")).to_be_focused()
    check_axe(page, "plan-editor-open")


def test_conflict_view(open_page, console_errors, demo):
    summary = demo["summary"]
    console_errors.allow(r"status of 409 \(Conflict\)")
    page = open_page(demo["bob"], path_of(demo["plan"]))
    shown_section(page, summary).get_by_role("link", name="Edit Summary").click()
    form = editor_form(page, summary)
    expect(form.locator("textarea[name=body]")).to_be_focused()
    summary.save_edit(
        author=demo["alice"],
        heading="Summary",
        body="Alice's summary.\n",
        base_version=summary.version,
    )
    form.locator("textarea[name=body]").fill("Bob's summary.\n")
    form.get_by_role("button", name="Save").click()
    expect(form.locator(".alert-conflict")).to_be_visible()
    check_axe(page, "conflict-view")


def test_export_menu_open(open_page, demo):
    page = open_page(demo["dave"], path_of(demo["plan"]))
    page.locator(".export-menu summary").click()
    expect(page.get_by_role("link", name="Markdown, with the sign-off table")).to_be_visible()
    check_axe(page, "export-menu")


def test_comments_open_with_a_resolved_thread(open_page, demo):
    metadata = demo["metadata"]
    resolved = Comment.objects.create(section=metadata, author=demo["bob"], body="Owner is alice.")
    resolved.resolve(demo["carol"])
    page = open_page(demo["bob"], path_of(demo["plan"]))
    shown_section(page, metadata).locator(".comments-link").click()
    expect(page.locator(f"#comments-{metadata.pk}.comments")).to_contain_text("Owner is alice.")
    check_axe(page, "comments-open")


def test_shortcuts_dialog_open(open_page, demo):
    page = open_page(demo["bob"], path_of(demo["plan"]))
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    check_axe(page, "shortcuts-dialog")


# Focus and announcements

ANNOUNCER = "#announcer"


def test_focus_moves_into_the_editor_and_back_with_announcements(open_page, demo):
    summary = demo["summary"]
    page = open_page(demo["bob"], path_of(demo["plan"]))
    announcer = page.locator(ANNOUNCER)
    expect(announcer).to_have_attribute("aria-live", "polite")
    edit = shown_section(page, summary).get_by_role("link", name="Edit Summary")

    # Opened with the Edit button, closed with Cancel: the Edit button has focus again.
    edit.click()
    form = editor_form(page, summary)
    expect(form.locator("textarea[name=body]")).to_be_focused()
    expect(form.get_by_label("Text (Markdown)")).to_be_visible()
    expect(form.get_by_label("Heading (level 3)")).to_have_value("Summary")
    expect(announcer).to_have_text("Editing “Summary”. Ctrl+Enter saves, Esc cancels.")
    form.get_by_role("link", name="Cancel").click()
    expect(edit).to_be_focused()
    expect(announcer).to_have_text("Closed the editor of “Summary”.")

    # Esc, unchanged text: closes without asking; focus back on Edit.
    page.keyboard.press("Enter")  # the focused Edit link
    expect(form.locator("textarea[name=body]")).to_be_focused()
    page.keyboard.press("Escape")
    expect(edit).to_be_focused()

    # Saved with Ctrl+Enter: focus back on Edit, and the save is announced.
    page.keyboard.press("Enter")
    textarea = form.locator("textarea[name=body]")
    expect(textarea).to_be_focused()
    textarea.fill("Audit every change, with who and when.")
    textarea.press("Control+Enter")
    expect(shown_section(page, summary)).to_contain_text("Audit every change")
    expect(edit).to_be_focused()
    expect(announcer).to_have_text("Saved “Summary”.")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Edit Summary"


def test_review_decision_is_announced_and_keeps_focus_in_the_section(open_page, demo):
    metadata = demo["metadata"]
    # Bob fills in the metadata first: a section with placeholders left cannot be approved.
    metadata.plan = demo["plan"]
    metadata.save_edit(
        author=demo["bob"],
        heading=metadata.heading,
        body="Owner: Alice Smith. Status: in review.",
        base_version=metadata.version,
    )
    page = open_page(demo["carol"], path_of(demo["plan"]))
    section = shown_section(page, metadata)
    section.get_by_role("button", name="✓ Approve").click()
    expect(section.locator(".status-badge")).to_contain_text("Approved")
    expect(page.locator(ANNOUNCER)).to_have_text("Approved “Metadata”.")
    assert page.evaluate("document.activeElement.id") == f"section-{metadata.pk}"
    shown_section(page, metadata).get_by_role("button", name="Request changes").click()
    expect(page.locator(ANNOUNCER)).to_have_text("Requested changes on “Metadata”.")


# Loading indicators


def hold_requests(page: Page, pattern: str) -> list:
    """Requests matching `pattern` wait (in `held`) until the test lets them go."""
    held = []
    page.route(re.compile(pattern), lambda route: held.append(route))
    return held


def wait_held(page: Page, held: list, count: int) -> None:
    for _ in range(100):
        if len(held) >= count:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{count} requests expected, {len(held)} came")


def test_loading_bar_busy_target_and_disabled_buttons(open_page, console_errors, demo, screenshot):
    # The failures below are made on purpose; htmx logs them.
    console_errors.allow(
        r"status of 500|net::ERR_FAILED|Response Status Error Code 500"
        r"|htmx:(afterRequest|sendError)"
    )
    summary, metadata = demo["summary"], demo["metadata"]
    page = open_page(demo["bob"], path_of(demo["plan"]))
    body = page.locator("body")
    loading = re.compile(r"\bhtmx-loading\b")
    expect(body).not_to_have_class(loading)

    # Two requests at once: the bar stays until the last one ends.
    held = hold_requests(page, r".*/sections/\d+/edit/$")
    shown_section(page, summary).get_by_role("link", name="Edit Summary").click()
    shown_section(page, metadata).get_by_role("link", name="Edit Metadata").click()
    wait_held(page, held, 2)
    expect(body).to_have_class(loading)
    page.wait_for_timeout(400)  # the bar fades in after a moment
    screenshot(page, "loading-bar")
    expect(shown_section(page, summary)).to_have_attribute("aria-busy", "true")
    expect(shown_section(page, metadata)).to_have_attribute("aria-busy", "true")
    held[0].continue_()
    expect(editor_form(page, summary)).to_be_visible()
    expect(editor_form(page, summary)).not_to_have_attribute("aria-busy", "true")
    expect(body).to_have_class(loading)
    held[1].continue_()
    expect(editor_form(page, metadata)).to_be_visible()
    expect(body).not_to_have_class(loading)
    page.unroute(re.compile(r".*/sections/\d+/edit/$"))

    # A save: the form is busy and its buttons disabled until the answer comes.
    form = editor_form(page, summary)
    held = hold_requests(page, rf".*/sections/{summary.pk}/$")
    form.locator("textarea[name=body]").fill("Held back for a moment.")
    form.get_by_role("button", name="Save").click()
    wait_held(page, held, 1)
    expect(form).to_have_attribute("aria-busy", "true")
    expect(form.get_by_role("button", name="Save")).to_be_disabled()
    expect(form.get_by_role("button", name="Preview")).to_be_disabled()
    expect(body).to_have_class(loading)
    # The server fails: the bar goes, the buttons come back, the text stays.
    held[0].fulfill(status=500, body="boom")
    expect(page.locator(".flash-error")).to_contain_text("Nothing you typed was cleared")
    expect(body).not_to_have_class(loading)
    expect(form).not_to_have_attribute("aria-busy", "true")
    expect(form.get_by_role("button", name="Save")).to_be_enabled()
    expect(form.locator("textarea[name=body]")).to_have_value("Held back for a moment.")
    page.unroute(re.compile(rf".*/sections/{summary.pk}/$"))

    # The network fails: the same.
    held = hold_requests(page, rf".*/sections/{summary.pk}/$")
    form.get_by_role("button", name="Save").click()
    wait_held(page, held, 1)
    held[0].abort()
    expect(page.locator(".flash-error").last).to_contain_text("The server did not answer")
    expect(body).not_to_have_class(loading)
    expect(form.get_by_role("button", name="Save")).to_be_enabled()


def test_loading_bar_does_not_move_with_reduced_motion(open_page, demo):
    page = open_page(demo["bob"], path_of(demo["plan"]))
    page.evaluate("document.body.classList.add('htmx-loading')")
    bar = "getComputedStyle(document.body, '::before').animationName"
    assert page.evaluate(bar) == "loading-slide"
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(bar) == "none"
    page.evaluate("document.body.classList.remove('htmx-loading')")
