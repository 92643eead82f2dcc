"""Mermaid diagrams on the plan page: one that draws is drawn; one whose source mermaid cannot
parse shows that source with mermaid's message above it, not mermaid's bomb icon."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_plan

from .helpers import assert_no_reload, editor_form, mark_page, section_named, shown_section

pytestmark = pytest.mark.e2e

TEXT = (
    "# Diagram plan\n\n## Flow\n\n"
    "```mermaid\ngraph TD\n    A[Request] --> B[Validate]\n```\n\n"
    "## Broken\n\n"
    "```mermaid\ngraph TD\n    A[Request --> B\n```\n\n"
    "## After\n\nPlain text.\n"
)


def assert_shown_as_source(failed, source_line: str) -> None:
    expect(failed).to_have_attribute("role", "note")
    expect(failed).to_contain_text("This diagram could not be drawn: Parse error on line")
    expect(failed.locator("pre.mermaid-source code")).to_contain_text(source_line)
    expect(failed.locator("svg")).to_have_count(0)  # no bomb


@pytest.mark.parametrize("width", [1280, 375])
def test_a_broken_diagram_shows_its_source_and_the_error(
    open_page, screenshot, project, owner, width
):
    plan = make_plan(project, author=owner, text=TEXT)
    page = open_page(owner, plan.get_absolute_url(), viewport={"width": width, "height": 900})

    drawn = page.locator("div.mermaid:not(.mermaid-failed)")
    expect(drawn).to_have_count(1)
    expect(drawn.locator("svg")).to_be_visible()
    expect(drawn.locator("svg")).to_contain_text("Validate")

    failed = page.get_by_role("note", name="Diagram that could not be drawn")
    expect(failed).to_have_count(1)
    assert_shown_as_source(failed, "A[Request --> B")
    failed.scroll_into_view_if_needed()
    box = failed.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width  # no sideways scrolling

    screenshot(page, f"broken-diagram-{width}")


def test_a_diagram_broken_by_an_in_place_save_shows_its_source(open_page, project, owner):
    plan = make_plan(project, author=owner, text=TEXT)
    flow = section_named(plan, "Flow")
    page = open_page(owner, plan.get_absolute_url())
    mark_page(page)
    expect(shown_section(page, flow).locator(".mermaid svg")).to_be_visible()

    page.get_by_role("link", name="Edit Flow", exact=True).click()
    editor_form(page, flow).locator("textarea[name=body]").fill(
        "```mermaid\nsequenceDiagram\n    Alice->>: missing target\n```"
    )
    editor_form(page, flow).get_by_role("button", name="Save").click()

    failed = shown_section(page, flow).locator(".mermaid-failed")
    assert_shown_as_source(failed, "Alice->>: missing target")
    assert_no_reload(page)
