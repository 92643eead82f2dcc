"""Creating a plan from each built-in template through the UI."""

import re

import pytest
from playwright.sync_api import expect

from planhub.plans.models import Plan
from tests.factories import builtin_template, make_plan

pytestmark = pytest.mark.e2e

# Template slug -> (what goes in each title field, by label; the plan's expected title).
TEMPLATES = {
    "feature-plan": ({"Feature Name": "Checkout v2"}, "Implementation Plan: Checkout v2"),
    "implementation-plan": ({"Title": "Platform Rebuild"}, "Platform Rebuild"),
    "phase-plan": (
        {"X": "2", "Phase Name": "Payments"},
        "Implementation Plan: Phase 2 - Payments",
    ),
    "technical-approach-plan": (
        {"FEATURE": "Search"},
        "Implementation Plan: Search - Technical Approach & Architecture",
    ),
}


def outline_headings(page) -> list[str]:
    """The headings the outline links to, in order (the preamble's entry left out)."""
    texts = page.locator("#outline .toc a").all_inner_texts()
    return [text.strip() for text in texts if text.strip() != "Before the first heading"]


@pytest.mark.parametrize("slug", list(TEMPLATES))
def test_create_plan_from_builtin_template(open_page, live_server, project, owner, screenshot,
                                           slug):  # fmt: skip
    values, title = TEMPLATES[slug]
    template = builtin_template(slug)
    page = open_page(owner, "/p/apollo/")

    page.get_by_role("link", name="New plan").click()
    expect(page.get_by_role("heading", name="New plan: choose a template")).to_be_visible()
    expect(page.locator(".template-card")).to_have_count(4)
    if slug == "feature-plan":
        screenshot(page, "template-chooser")

    page.get_by_role("link", name=f"Use this template for {template.name}").click()
    expect(page.get_by_role("heading", name=f"New plan from {template.name}")).to_be_visible()
    labels = page.locator("form.narrow-form .field label")
    expect(labels).to_have_text(list(values))
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Create plan").click()

    expect(page).to_have_url(re.compile(r"/p/apollo/plans/\d+/$"))
    plan = Plan.objects.get(project=project, template=template)
    assert page.url == live_server.url + plan.get_absolute_url()
    assert plan.title == title
    expect(page.locator(".flash-success")).to_have_text(
        f"Plan “{title}” created from {template.name}."
    )

    # The filled title is the page's one H1; the outline lists every heading, in order.
    expect(page.locator("main h1")).to_have_count(1)
    expect(page.locator("main h1")).to_have_text(title)
    expect(page).to_have_title(f"{title} · PlanHub")
    headings = [s.heading for s in plan.sections.all() if s.level]
    assert len(headings) == len(template.outline()) > 5
    toc = page.locator("#outline .toc a")
    expect(toc.first).to_have_text(title)
    assert outline_headings(page) == headings
    expect(page.locator("article.plan-body > section.plan-section[id^=section-]")).to_have_count(
        plan.sections.count()
    )

    diagrams = template.source.count("```mermaid")
    if diagrams:
        expect(page.locator(".mermaid svg")).to_have_count(diagrams)
        expect(page.locator(".mermaid svg").first).to_be_visible()
    screenshot(page, f"plan-{slug}")


def test_mermaid_block_is_drawn_as_svg(open_page, project, owner):
    text = (
        "# Diagram plan\n\n## Flow\n\n"
        "```mermaid\ngraph TD\n    A[Request] --> B[Validate]\n    B --> C[Store]\n```\n\n"
        "## After\n\nPlain text.\n"
    )
    plan = make_plan(project, author=owner, text=text)
    page = open_page(owner, plan.get_absolute_url())

    diagram = page.locator("div.mermaid")
    expect(diagram).to_have_count(1)
    expect(diagram.locator("svg")).to_be_visible()
    for label in ("Request", "Validate", "Store"):
        expect(diagram.locator("svg")).to_contain_text(label)


def test_title_fields_are_required(open_page, project, owner):
    template = builtin_template("feature-plan")
    page = open_page(owner, f"/p/apollo/plans/new/?template={template.pk}")
    page.get_by_role("button", name="Create plan").click()
    # The browser's own validation stops the empty form: no plan, still on the form.
    expect(page.get_by_label("Feature Name", exact=True)).to_be_focused()
    assert not Plan.objects.exists()
