"""Review mode in the browser: a reviewer reads a filled-in technical-approach plan, approves
every section and signs off in at most 5 clicks; the same by keyboard (j/k/a/r/?); and the
review page and the compact plan page at desktop and phone width (screenshots)."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from planhub.document.placeholders import find_placeholders
from planhub.plans.models import Section
from planhub.reviews.rules import SectionStatus
from planhub.reviews.status import review_plan
from tests.factories import make_plan

from .helpers import section_named, shown_section

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 800}}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
CLICK_TARGET = 5


def filled(text: str) -> str:
    """`text` with every placeholder filled in (nested ones too: "[None | tasks [P]]")."""
    while names := find_placeholders(text):
        for name in sorted(set(names), key=len, reverse=True):
            text = text.replace(f"[{name}]", f"our {name.lower()[:30]}")
    return text.replace("NEEDS CLARIFICATION", "settled")


@pytest.fixture
def technical(project, owner, editor, reviewer):
    """The built-in technical-approach plan, every placeholder filled in by the editor; its
    first sign-off slot assigned to the reviewer."""
    plan = make_plan(project, owner, slug="technical-approach-plan")
    for section in Section.objects.filter(plan=plan, placeholder_count__gt=0):
        section.plan = plan
        section.save_edit(
            author=editor,
            heading=filled(section.heading),
            body=filled(section.body),
            base_version=section.version,
        )
    assert not Section.objects.filter(plan=plan, placeholder_count__gt=0).exists()
    plan.signoff_slots.first().assign(reviewer, by=owner)
    return plan


class Clicks:
    """Every click a test makes through Playwright, counted."""

    def __init__(self, monkeypatch):
        self.count = 0
        for cls in (Page, Locator):
            original = cls.click

            def counted(this, *args, _original=original, **kwargs):
                self.count += 1
                return _original(this, *args, **kwargs)

            monkeypatch.setattr(cls, "click", counted)


def read_through(page: Page) -> None:
    """Scroll the whole page as a reader does (no clicks), pausing on each screenful."""
    while True:
        before = page.evaluate("window.scrollY")
        page.mouse.wheel(0, 500)
        page.wait_for_timeout(700)  # a moment on each screenful (review.js: 600 ms)
        if page.evaluate("window.scrollY") == before:
            break
    page.wait_for_timeout(400)


def test_approving_every_section_and_signing_off_takes_at_most_5_clicks(
    open_page, technical, reviewer, password, monkeypatch, screenshot
):
    sections = technical.sections.count()
    page = open_page(reviewer, f"{technical.get_absolute_url()}review/")
    expect(page.locator("#review-summary")).to_contain_text(
        f"{sections} sections wait for your decision"
    )
    clicks = Clicks(monkeypatch)
    read_through(page)
    expect(page.locator("[data-read-count]")).to_have_text(str(sections))

    page.get_by_role("button", name=re.compile("Approve all I have read")).click()
    dialog = page.get_by_role("dialog", name="Approve these sections?")
    expect(dialog.locator("li")).to_have_count(sections)
    expect(dialog).to_contain_text("Summary — version 2")
    dialog.get_by_role("button", name="Approve them").click()
    expect(page.locator(".flash").first).to_contain_text(f"Approved {sections} sections.")
    expect(page.locator(".empty-state")).to_contain_text("Nothing waits for your decision")

    signoff = page.locator(".signoff-form")
    if signoff.locator("input[name=password]").count():
        signoff.locator("input[name=password]").fill(password)
    signoff.get_by_role("button", name="Sign off").click()
    expect(page.locator("#signoffs .slot-signed")).to_have_count(1)

    review = review_plan(technical)
    assert all(r.status == SectionStatus.APPROVED for r in review.sections)
    print(f"review mode: {sections} sections approved and signed off in {clicks.count} clicks")
    assert clicks.count <= CLICK_TARGET


@pytest.fixture
def small(project, owner, editor):
    plan = make_plan(project, owner, text="# Launch\n\n## Scope\n\nEU\n\n## Risks\n\nnone\n")
    for section in plan.sections.all():
        section.plan = plan
        section.save_edit(
            author=editor, heading=section.heading, body=section.body + "more\n", base_version=1
        )
    return plan


def test_keyboard_only_review(open_page, small, reviewer):
    scope, risks = section_named(small, "Scope"), section_named(small, "Risks")
    page = open_page(reviewer, f"{small.get_absolute_url()}review/")
    cards = page.locator("[data-review-card]")
    page.keyboard.press("j")
    expect(cards.nth(0)).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("Launch, version 2")
    page.keyboard.press("j")
    card = page.locator(f"#review-section-{scope.pk}")
    expect(card).to_be_focused()
    page.keyboard.press("k")
    expect(cards.nth(0)).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(card.locator(".status-badge")).to_contain_text("Approved")
    expect(page.locator("#announcer")).to_have_text("Approved “Scope”.")
    expect(card).to_be_focused()
    expect(page.locator("#review-summary")).to_contain_text("2 sections wait for your decision")

    page.keyboard.press("j")
    risks_card = page.locator(f"#review-section-{risks.pk}")
    expect(risks_card).to_be_focused()
    page.keyboard.press("r")
    comment = risks_card.locator("textarea[name=comment]")
    expect(comment).to_be_focused()
    page.keyboard.type("jka? add the rollback risk")  # keys typed, not shortcuts
    expect(comment).to_have_value("jka? add the rollback risk")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(risks_card.locator(".status-badge")).to_contain_text("Changes requested")

    page.keyboard.press("?")
    keys = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(keys).to_contain_text("Review mode: approve the focused section")
    page.keyboard.press("Escape")
    expect(keys).to_be_hidden()


def test_approve_all_without_javascript(open_page, small, reviewer):
    page = open_page(reviewer, f"{small.get_absolute_url()}review/", javascript=False)
    page.get_by_label("I have read this").first.check()
    page.get_by_role("button", name=re.compile("Approve all I have read")).click()
    expect(page.get_by_role("heading", name="Approve these sections?")).to_be_visible()
    expect(page.locator("main li")).to_have_text(["Launch — version 2"])
    page.get_by_role("button", name="Approve them").click()
    expect(page.locator(".flash")).to_contain_text("Approved 1 section.")


@pytest.mark.parametrize("width", VIEWPORTS)
def test_review_and_compact_plan_page_screens(open_page, technical, reviewer, screenshot, width):
    viewport = VIEWPORTS[width]
    page = open_page(reviewer, f"{technical.get_absolute_url()}review/", viewport=viewport)
    expect(page.locator("[data-review-card]").first).to_be_visible()
    screenshot(page, f"review-mode-{viewport['width']}")
    assert page.evaluate(OVERFLOW) <= 0
    plan_page = open_page(reviewer, technical.get_absolute_url(), viewport=viewport)
    summary = section_named(technical, "Summary")
    expect(shown_section(plan_page, summary).locator(".review-line")).to_be_visible()
    expect(plan_page.get_by_role("link", name=re.compile("sections wait for you"))).to_be_visible()
    screenshot(plan_page, f"plan-compact-review-{viewport['width']}")
    assert plan_page.evaluate(OVERFLOW) <= 0


def test_review_page_has_no_serious_axe_violations(open_page, demo):
    """The demo plan's review page as its reviewer (carol) and as a viewer (dave), with the
    "Approve all I have read" confirmation open."""
    from .test_accessibility import check_axe

    path = f"{demo['plan'].get_absolute_url()}review/"
    check_axe(open_page(demo["dave"], path), "review-mode-viewer")
    page = open_page(demo["carol"], path)
    page.get_by_label(re.compile("I have read this")).first.check()
    page.get_by_role("button", name=re.compile("Approve all I have read")).click()
    expect(page.get_by_role("dialog", name="Approve these sections?")).to_be_visible()
    check_axe(page, "review-mode-reviewer")
