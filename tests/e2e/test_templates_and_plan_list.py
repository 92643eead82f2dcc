"""The templates library, “Save as template”, blank plans and the project's plans list (filters,
archive), through the browser, at desktop and phone width."""

import re

import pytest
from playwright.sync_api import expect

from planhub.plans.models import Plan, PlanTemplate
from planhub.reviews.models import SectionDecision
from tests.factories import make_plan

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


WIDER_THAN_WINDOW = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + "." + e.className)"""


def assert_no_sideways_scrolling(page):
    """The page fits the window's width (tables scroll inside their own box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, page.evaluate(WIDER_THAN_WINDOW)


@pytest.fixture
def shelf(project, owner, reviewer):
    """A few plans of different origins and statuses, one template of the project's own."""
    make_plan(project, owner, slug="phase-plan")
    reviewed = make_plan(project, owner, text="# Checkout review\n\n## Scope\n\nAll of it.\n")
    section = reviewed.sections.get(heading="Scope")
    SectionDecision.objects.create(
        section=section, reviewer=reviewer, decision="approved", version=1
    )
    Plan.create_blank(project=project, title="Notes on caching", author=owner)
    PlanTemplate.create_uploaded(
        project=project,
        text="# Runbook: [Service]\n\n## Alerts\n\n### Paging\n\n## Rollback\n",
        name="Runbook",
        author=owner,
    )
    return reviewed


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_browse_the_library_and_preview_an_outline(open_page, editor, shelf, screenshot,
                                                   viewport):  # fmt: skip
    width = "phone" if viewport is PHONE else "desktop"
    page = open_page(editor, "/p/apollo/", viewport=viewport)
    page.get_by_role("link", name="Templates", exact=True).click()
    expect(page.get_by_role("heading", name="Templates", level=1)).to_be_visible()
    cards = page.locator(".library-list").first.locator(".library-card")
    expect(cards).to_have_count(5)
    expect(page.locator(".library-card .tag", has_text="Built-in")).to_have_count(4)

    runbook = page.locator(".library-card", has_text="Runbook")
    expect(runbook).to_contain_text("Added by olivia")
    runbook.get_by_text("Outline: 4 headings").click()
    paging = runbook.locator(".outline-level-3", has_text="Paging")
    expect(paging).to_be_visible()
    alerts = runbook.locator(".outline-level-2", has_text="Alerts")
    # Indented by level: a level-3 heading starts further right than a level-2 one.
    indent = "e => parseFloat(getComputedStyle(e).paddingLeft)"
    assert paging.evaluate(indent) > alerts.evaluate(indent) > 0
    assert_no_sideways_scrolling(page)
    screenshot(page, f"template-library-{width}")

    runbook.get_by_role("link", name="Preview Runbook").click()
    expect(page.get_by_role("heading", name="Runbook", exact=True)).to_be_visible()
    expect(page.locator(".template-preview-text h2", has_text="Alerts")).to_be_visible()
    expect(page.locator(".template-preview-outline .outline-level-3")).to_have_text("Paging")
    screenshot(page, f"template-preview-{width}")


def test_save_a_plan_as_template_then_start_a_plan_from_it(open_page, editor, shelf, project,
                                                           console_errors):  # fmt: skip
    console_errors.allow(r"status of 422 .*@ .*/save-as-template/")
    page = open_page(editor, shelf.get_absolute_url())
    page.get_by_role("link", name="Save as template").click()
    page.get_by_label("Name").fill("Checkout review")
    page.get_by_role("button", name="Save as template").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved “Checkout review”")
    expect(page).to_have_url(re.compile(r"/p/apollo/templates/\d+/$"))
    # The name is taken now: saving again says so and keeps the text.
    page.goto(page.url.split("/p/")[0] + f"/p/apollo/plans/{shelf.pk}/save-as-template/")
    page.get_by_label("Name").fill("checkout REVIEW")
    page.get_by_role("button", name="Save as template").click()
    expect(page.locator(".field-error")).to_contain_text("already has a template named")
    expect(page.get_by_label("Name")).to_have_value("checkout REVIEW")

    page.get_by_role("link", name="templates library").click()
    card = page.locator(".library-card", has_text="Checkout review")
    card.get_by_role("link", name="Use this template").click()
    page.get_by_label("Title").fill("Payments review")
    page.get_by_role("button", name="Create plan").click()
    expect(page.locator("h1.section-heading")).to_have_text("Payments review")
    expect(page.locator(".plan-section h2", has_text="Scope")).to_be_visible()
    template = PlanTemplate.objects.get(project=project, name="Checkout review")
    assert Plan.objects.get(title="Payments review").template == template


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_start_a_blank_plan(open_page, editor, project, screenshot, viewport):
    width = "phone" if viewport is PHONE else "desktop"
    page = open_page(editor, "/p/apollo/plans/new/", viewport=viewport)
    blank = page.locator(".blank-card")
    expect(blank).to_contain_text("Blank plan")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"new-plan-chooser-{width}")
    blank.get_by_role("link", name="Start a blank plan").click()
    page.get_by_label("Title").fill("Cache warming")
    page.get_by_role("button", name="Create plan").click()
    expect(page.locator("h1.section-heading")).to_have_text("Cache warming")
    expect(page.locator(".plan-toolbar")).to_contain_text("Started blank")
    plan = Plan.objects.get(title="Cache warming")
    assert plan.started_blank and plan.to_markdown() == "# Cache warming\n\n## Overview\n"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_filter_the_list_and_archive_a_plan(open_page, editor, shelf, screenshot, viewport):
    width = "phone" if viewport is PHONE else "desktop"
    page = open_page(editor, "/p/apollo/", viewport=viewport)
    rows = page.locator(".plans-table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator(".plan-count")).to_have_text("3 plans")

    # HTMX applies a filter on change and keeps it in the URL.
    page.get_by_label("Status").select_option("in_review")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Checkout review")
    expect(page).to_have_url(re.compile(r"status=in_review"))
    page.get_by_label("Status").select_option("")
    page.get_by_label("Template").select_option(label="Blank")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Notes on caching")
    page.get_by_label("Status").select_option("approved")
    expect(page.locator(".empty-state")).to_contain_text("No plans match these filters")
    page.get_by_label("Status").select_option("draft")
    expect(rows).to_have_count(1)
    assert_no_sideways_scrolling(page)
    screenshot(page, f"plan-list-filtered-{width}")
    # The state survives a reload (it is in the URL).
    page.reload()
    expect(page.get_by_label("Template")).to_have_value(re.compile("blank"))
    page.get_by_role("link", name="Clear filters").click()
    expect(rows).to_have_count(3)

    # Archive: gone from the list, an undo beside it, found under Archived plans.
    page.get_by_role("button", name="Archive Notes on caching").click()
    expect(page.locator(".flash-success")).to_contain_text("Archived “Notes on caching”")
    expect(rows).to_have_count(2)
    expect(page.locator(".undo-bar")).to_contain_text("“Notes on caching” is archived.")
    page.get_by_label("Show").select_option("archived")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Notes on caching")
    screenshot(page, f"plan-list-archived-{width}")
    rows.first.get_by_role("link", name="Notes on caching").click()
    expect(page.locator(".archived-banner")).to_contain_text("Archived by eddie")
    screenshot(page, f"plan-archived-banner-{width}")
    page.get_by_role("button", name="Unarchive").click()
    expect(page.locator(".flash-success")).to_contain_text("Unarchived “Notes on caching”")
    expect(page.locator(".archived-banner")).to_have_count(0)


def test_filter_form_works_without_javascript(open_page, viewer, shelf):
    page = open_page(viewer, "/p/apollo/", javascript=False)
    page.get_by_label("Status").select_option("in_review")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"status=in_review"))
    expect(page.locator(".plans-table tbody tr")).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile("^Archive"))).to_have_count(0)
