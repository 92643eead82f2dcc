"""Small helpers shared by the browser tests."""

from playwright.sync_api import Locator, Page

from planhub.plans.models import Plan, Section


def mark_page(page: Page) -> None:
    """Put a marker in the page's JS globals: it only survives while no page load happens."""
    page.evaluate("window.__marker = 1")


def assert_no_reload(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def section_named(plan: Plan, heading: str) -> Section:
    return Section.objects.get(plan=plan, heading=heading)


def shown_section(page: Page, section: Section) -> Locator:
    """The section as rendered (not its editor)."""
    return page.locator(f"section#section-{section.pk}")


def editor_form(page: Page, section: Section) -> Locator:
    """The section's in-place editor form."""
    return page.locator(f"form#section-{section.pk}[data-section-editor]")


def plan_path(plan: Plan) -> str:
    return plan.get_absolute_url()
