"""The review workflow in a real browser: edit → approve → edit (stale) → approve → sign off."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_plan

from .helpers import assert_no_reload, editor_form, mark_page, section_named, shown_section

pytestmark = pytest.mark.e2e


def test_edit_approve_stale_reapprove_signoff_approved(
    open_page, screenshot, owner, editor, reviewer, project
):
    plan = make_plan(project, owner, text="# Launch plan\n\nWhy we launch.\n\n## Scope\n\nTBD\n")
    title, scope = section_named(plan, "Launch plan"), section_named(plan, "Scope")

    # The editor writes the scope in place.
    author = open_page(editor, plan.get_absolute_url())
    shown_section(author, scope).get_by_role("link", name="Edit Scope").click()
    editor_form(author, scope).locator("textarea[name=body]").fill("Only the EU market.")
    editor_form(author, scope).get_by_role("button", name="Save").click()
    expect(shown_section(author, scope)).to_contain_text("Only the EU market.")

    # The reviewer approves it in place, with a comment; the outline follows.
    review = open_page(reviewer, plan.get_absolute_url())
    mark_page(review)
    box = shown_section(review, scope)
    expect(box.locator(".status-badge")).to_have_text("○Pending")
    box.locator(".review-comment-toggle summary").click()  # the compact bar's comment toggle
    box.get_by_placeholder("Review comment (optional)").fill("Clear scope.")
    box.get_by_role("button", name="✓ Approve").click()
    expect(shown_section(review, scope).locator(".status-badge")).to_contain_text("Approved")
    expect(shown_section(review, scope)).to_contain_text("rita approved version 2 just now")
    expect(shown_section(review, scope)).to_contain_text("✓ You approved this version")
    expect(review.locator("#outline")).to_contain_text("1 of 2 sections approved")
    assert_no_reload(review)

    # The editor changes the text again: the approval goes stale, still shown.
    author.reload()
    shown_section(author, scope).get_by_role("link", name="Edit Scope").click()
    editor_form(author, scope).locator("textarea[name=body]").fill("EU and UK markets.")
    editor_form(author, scope).get_by_role("button", name="Save").click()
    expect(shown_section(author, scope).locator(".status-badge")).to_contain_text("Stale")
    expect(shown_section(author, scope)).to_contain_text("stale: edited since")

    # The reviewer sees what changed, then approves both sections.
    review.reload()
    box = shown_section(review, scope)
    expect(box.locator(".status-badge")).to_contain_text("Stale")
    screenshot(review, "review-stale-approval")
    box.get_by_role("link", name="what changed").click()
    expect(review.locator(".diff-removed")).to_contain_text("Only the EU market.")
    expect(review.locator(".diff-added")).to_contain_text("EU and UK markets.")
    screenshot(review, "review-what-changed")
    review.goto(review.url.split("/sections/")[0] + "/")
    shown_section(review, scope).get_by_role("button", name="✓ Approve").click()
    expect(shown_section(review, scope).locator(".status-badge")).to_contain_text("Approved")
    shown_section(review, title).get_by_role("button", name="✓ Approve").click()
    expect(review.locator("#outline")).to_contain_text("2 of 2 sections approved")

    # The owner assigns the sign-off; the reviewer signs; the plan is approved.
    boss = open_page(owner, plan.get_absolute_url())
    boss.get_by_label("Assignee of Plan approval").select_option(label="rita (reviewer)")
    boss.locator("#signoffs").get_by_role("button", name="Assign").click()
    expect(boss.locator("#signoffs")).to_contain_text("Waiting")

    review.reload()
    signoffs = review.locator("#signoffs")
    signoffs.get_by_label("Your password").fill(PASSWORD)  # re-authentication to sign
    signoffs.get_by_role("button", name="Sign off").click()
    expect(review.locator("#signoffs .status-badge")).to_have_text("✓Signed off")
    expect(review.locator("#outline .plan-progress")).to_contain_text("Approved")
    screenshot(review, "review-plan-approved")
    project_page = open_page(owner, project.get_absolute_url())
    expect(project_page.locator(".plan-status-approved")).to_have_text("Approved")


def test_comment_thread_in_place(open_page, editor, reviewer, plan, screenshot):
    overview = section_named(plan, "Overview")
    page = open_page(reviewer, plan.get_absolute_url())
    mark_page(page)
    shown_section(page, overview).get_by_role("link", name="Comments").click()
    page.get_by_label("New comment").fill("Which strategy do we pick?")
    page.get_by_role("button", name="Comment", exact=True).click()
    thread = page.locator(f"#comments-{overview.pk} .thread")
    expect(thread).to_contain_text("Which strategy do we pick?")
    expect(shown_section(page, overview)).to_contain_text("1 open comment")
    thread.get_by_label("Reply to rita").fill("The simplest.")
    thread.get_by_role("button", name="Reply").click()
    expect(page.locator(f"#comments-{overview.pk} .reply")).to_contain_text("The simplest.")
    screenshot(page, "review-comments")
    page.locator(f"#comments-{overview.pk}").get_by_role("button", name="Resolve").click()
    expect(page.locator(f"#comments-{overview.pk} .resolved-note")).to_contain_text(
        "resolved by rita"
    )
    assert_no_reload(page)


def test_viewer_sees_status_but_no_review_controls(open_page, viewer, plan):
    page = open_page(viewer, plan.get_absolute_url())
    expect(page.locator(".review-bar").first).to_contain_text("Pending")
    expect(page.get_by_role("button", name="✓ Approve")).to_have_count(0)
    expect(page.get_by_role("button", name="Request changes")).to_have_count(0)
