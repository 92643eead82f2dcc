"""Review requests in a real browser: the editor asks from the plan page (HTMX panel), the
reviewer finds it on their dashboard; the same without JavaScript; screenshots at 1280 and
375 px of the form and of the dashboard."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from planhub.reviews.models import ReviewRequest
from tests.factories import make_plan

from .helpers import assert_no_reload, mark_page
from .test_accessibility import check_axe

pytestmark = pytest.mark.e2e

TEXT = "# Launch plan\n\nWhy we launch.\n\n## Scope\n\nThe EU.\n\n## Risks\n\nFew.\n"
PHONE = {"width": 375, "height": 812}


def test_the_editor_asks_and_the_reviewer_sees_it_on_the_dashboard(
    open_page, screenshot, console_errors, owner, editor, reviewer, project
):
    console_errors.allow(r"status of 422 \(Unprocessable Entity\) @ .*/review-requests/")
    plan = make_plan(project, owner, text=TEXT)
    due = date.today() + timedelta(days=2)
    page = open_page(editor, plan.get_absolute_url())
    mark_page(page)
    page.get_by_role("link", name="Review requests").click()
    panel = page.locator("#review-requests")
    expect(panel).to_contain_text("Nobody has been asked to review this plan yet.")
    panel.get_by_label("Message (optional)").fill("The risks section first, please.")
    panel.get_by_role("button", name="Request review").click()  # nobody chosen: refused
    expect(panel.get_by_role("alert").first).to_contain_text("Choose at least one reviewer.")
    expect(panel.get_by_label("Message (optional)")).to_have_value(
        "The risks section first, please."
    )
    panel.get_by_label("rita (reviewer)").check()
    panel.get_by_label("Due date (optional)").fill(due.isoformat())
    screenshot(page, "review-request-form-1280")
    panel.get_by_role("button", name="Request review").click()
    expect(panel.get_by_role("status")).to_have_text("Review requested.")
    expect(panel).to_contain_text("0 of 3 sections decided")
    expect(panel).to_contain_text("The risks section first, please.")
    screenshot(page, "review-request-panel-1280")
    check_axe(page, "review-requests-panel")
    assert_no_reload(page)
    [request] = ReviewRequest.objects.all()
    assert (request.reviewer, request.due) == (reviewer, due)

    # The reviewer's dashboard: the plan, how many sections wait, by when.
    dashboard = open_page(reviewer, "/")
    queue = dashboard.get_by_role("region", name="Reviews asked of me")
    expect(queue).to_contain_text("Launch plan: 3 sections wait for you, due ")
    expect(queue).to_contain_text("asked by eddie")
    screenshot(dashboard, "review-request-dashboard-1280")
    check_axe(dashboard, "dashboard-review-requests")
    queue.get_by_role("link", name="Launch plan").click()
    # to the plan's review mode, where what waits for them comes first
    expect(dashboard).to_have_url(
        f"{dashboard.url.split('/p/')[0]}{plan.get_absolute_url()}review/"
    )

    phone = open_page(reviewer, "/", viewport=PHONE)
    expect(phone.get_by_role("region", name="Reviews asked of me")).to_contain_text("3 sections")
    screenshot(phone, "review-request-dashboard-375")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    form = open_page(editor, f"{plan.get_absolute_url()}review-requests/", viewport=PHONE)
    expect(form.locator("#review-requests")).to_contain_text("0 of 3 sections decided")
    screenshot(form, "review-request-form-375")
    assert form.evaluate("document.documentElement.scrollWidth") <= 375


def test_without_javascript_asking_and_a_refusal_keep_the_input(
    open_page, console_errors, owner, reviewer, project
):
    console_errors.allow(r"status of 422 \(Unprocessable Entity\) @ .*/review-requests/")
    plan = make_plan(project, owner, text=TEXT)
    page = open_page(owner, f"{plan.get_absolute_url()}review-requests/", javascript=False)
    page.get_by_label("Message (optional)").fill("Nobody chosen yet")
    page.get_by_role("button", name="Request review").click()
    expect(page.get_by_role("alert").first).to_contain_text("Choose at least one reviewer.")
    expect(page.get_by_label("Message (optional)")).to_have_value("Nobody chosen yet")
    page.get_by_label("rita (reviewer)").check()
    page.get_by_role("button", name="Request review").click()
    expect(page.locator("#review-requests")).to_contain_text("0 of 3 sections decided")
    page.get_by_role("button", name="Cancel request to rita").click()
    expect(page.locator("#review-requests")).to_contain_text("Cancelled")
    assert ReviewRequest.objects.get().cancelled_by == owner
