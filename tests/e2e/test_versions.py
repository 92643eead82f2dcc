"""Versions in Chromium: an owner freezes the approved plan, someone edits the working copy,
the plan page says what changed since the version and the compare page shows it; every page
at 1280 and 375 px without sideways scrolling, axe clean of serious violations."""

import pytest
from playwright.sync_api import expect

from planhub.baselines.models import PlanVersion
from planhub.plans.restructuring import add_section_after
from tests.baselines.conftest import PLAN_TEXT, approve_everything
from tests.factories import make_plan

from .test_accessibility import check_axe

pytestmark = pytest.mark.e2e

WIDTHS = {"1280": {"width": 1280, "height": 900}, "375": {"width": 375, "height": 800}}


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.fixture
def approved(project, owner, reviewer):
    plan = make_plan(project, author=owner, text=PLAN_TEXT)
    return approve_everything(plan, reviewer=reviewer, owner=owner)


def test_freeze_a_version_then_read_what_changed(
    open_page, owner, editor, viewer, approved, screenshot, console_errors
):
    console_errors.allow(r"status of 400 \(Bad Request\) @ .*/versions/$")  # the bad name
    versions = f"/p/{approved.project.slug}/plans/{approved.pk}/versions/"
    page = open_page(owner, approved.get_absolute_url())
    page.get_by_role("link", name="Versions").click()
    expect(page.get_by_text("No version frozen yet")).to_be_visible()
    screenshot(page, "versions-empty-1280")

    # A bad name: refused, the note kept.
    page.get_by_label("Name").fill("v1.0 <final>")
    page.get_by_label("Note").fill("Approved by the board on Monday")
    page.get_by_role("button", name="Freeze version").click()
    expect(page.get_by_role("alert")).to_contain_text("letters, digits, spaces")
    expect(page.get_by_label("Note")).to_have_value("Approved by the board on Monday")
    screenshot(page, "versions-bad-name-1280")

    page.get_by_label("Name").fill("v1.0")
    page.get_by_role("button", name="Freeze version").click()
    expect(page.locator(".frozen-banner")).to_contain_text("Frozen version v1.0, frozen by olivia")
    expect(page.get_by_text("We move card payments to the new provider.")).to_be_visible()
    no_sideways_scroll(page)
    check_axe(page, "version-detail")
    screenshot(page, "version-detail-1280")
    version_path = PlanVersion.objects.get().get_absolute_url()
    phone = open_page(owner, version_path, viewport=WIDTHS["375"])
    expect(phone.locator(".frozen-banner")).to_contain_text("Frozen version v1.0")
    screenshot(phone, "version-detail-375")
    no_sideways_scroll(phone)

    # The working copy goes on: an edit and a new section.
    scope = approved.sections.get(heading="Scope")
    scope.plan = approved
    scope.save_edit(
        author=editor,
        heading="Scope",
        body="\nWe move card and bank payments to the new provider.\n\n",
        base_version=1,
    )
    add_section_after(scope, editor)

    for width, viewport in WIDTHS.items():
        page = open_page(viewer, approved.get_absolute_url(), viewport=viewport)
        statuses = page.locator(".baseline-statuses")
        expect(statuses).to_contain_text("v1.0 approved")
        expect(statuses).to_contain_text("working copy: in review")
        heading_mark = page.locator(f"#section-{scope.pk} .section-header .baseline-mark")
        expect(heading_mark).to_have_text("changed since v1.0")
        if width == "1280":  # the outline is beside the text on a wide screen
            expect(
                page.locator("#outline .baseline-mark", has_text="changed since v1.0")
            ).to_have_count(1)
            expect(
                page.locator("#outline .baseline-mark", has_text="new since v1.0")
            ).to_have_count(1)
        screenshot(page, f"plan-changed-since-version-{width}")
        no_sideways_scroll(page)

        page.get_by_role("link", name="Compare with v1.0").click()
        expect(page.locator(".compare-summary")).to_have_text(
            "1 added · 0 removed · 0 moved · 1 changed"
        )
        expect(page.locator(".plan-diff ins", has_text="and bank")).to_be_visible()
        screenshot(page, f"version-compare-{width}")
        no_sideways_scroll(page)
        if width == "1280":
            check_axe(page, "version-compare")

        page.goto(page.url.split("/p/")[0] + versions)
        expect(page.locator(".versions-table")).to_contain_text("v1.0")
        screenshot(page, f"versions-{width}")
        no_sideways_scroll(page)
        if width == "1280":
            check_axe(page, "versions")


def test_compare_form_without_javascript(open_page, owner, approved):
    from tests.baselines.conftest import freeze

    freeze(approved, owner, name="v1.0")
    path = f"/p/{approved.project.slug}/plans/{approved.pk}/versions/compare/"
    page = open_page(owner, path, javascript=False)
    expect(page.locator(".compare-summary")).to_have_text(
        "No differences: the two have the same sections and text."
    )
    page.get_by_label("From").select_option(label="working copy")
    page.get_by_label("To").select_option(label="v1.0")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".compare-title")).to_have_text("working copy → v1.0")
