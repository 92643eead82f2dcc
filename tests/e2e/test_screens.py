"""Every main page at desktop and phone width: screenshots to look at, and no sideways scroll.

The PNGs land in test-artifacts/screenshots/screen-<page>-<width>.png.
"""

import pytest
from playwright.sync_api import Page, expect

from .helpers import editor_form, shown_section

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 800}}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def open_editor(page: Page, section) -> None:
    shown_section(page, section).get_by_role("link", name=f"Edit {section.heading}").click()
    expect(editor_form(page, section).locator("textarea[name=body]")).to_be_focused()


def login(open_page, demo, viewport):
    page = open_page(None, "/accounts/login/", viewport=viewport)
    expect(page.get_by_label("Username")).to_be_visible()
    return page


def dashboard(open_page, demo, viewport):
    page = open_page(demo["carol"], "/", viewport=viewport)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def project(open_page, demo, viewport):
    page = open_page(demo["alice"], "/p/demo/", viewport=viewport)
    expect(page.get_by_role("heading", name="Demo", level=1)).to_be_visible()
    return page


def plan_view(open_page, demo, viewport):
    page = open_page(demo["carol"], demo["plan"].get_absolute_url(), viewport=viewport)
    expect(page.locator("#outline")).to_contain_text("sections approved")
    return page


def plan_editor(open_page, demo, viewport):
    page = open_page(demo["bob"], demo["plan"].get_absolute_url(), viewport=viewport)
    open_editor(page, demo["summary"])
    return page, editor_form(page, demo["summary"])


def conflict(open_page, demo, viewport):
    summary = demo["summary"]
    page = open_page(demo["bob"], demo["plan"].get_absolute_url(), viewport=viewport)
    open_editor(page, summary)
    summary.save_edit(
        author=demo["alice"],
        heading="Summary",
        body="Alice's summary: every change, searchable.\n",
        base_version=summary.version,
    )
    form = editor_form(page, summary)
    form.locator("textarea[name=body]").fill("Bob's summary: every change, with who and when.\n")
    form.get_by_role("button", name="Save").click()
    expect(form.locator(".alert-conflict")).to_be_visible()
    return page, form


def section_history(open_page, demo, viewport):
    page = open_page(
        demo["alice"], demo["summary"].get_absolute_url() + "history/", viewport=viewport
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Summary")
    return page


def plan_history(open_page, demo, viewport):
    page = open_page(
        demo["alice"], demo["plan"].get_absolute_url() + "activity/", viewport=viewport
    )
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def export_menu(open_page, demo, viewport):
    page = open_page(demo["dave"], demo["plan"].get_absolute_url(), viewport=viewport)
    page.locator(".export-menu summary").click()
    expect(
        page.get_by_role("link", name="Printable page (the browser's own print)")
    ).to_be_visible()
    return page, None


def print_view(open_page, demo, viewport):
    page = open_page(demo["dave"], demo["plan"].get_absolute_url() + "print/", viewport=viewport)
    expect(page.locator("h1.doc-title")).to_be_visible()
    return page


def shortcuts(open_page, demo, viewport):
    page = open_page(demo["bob"], demo["plan"].get_absolute_url(), viewport=viewport)
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    return page


SCREENS = [
    login,
    dashboard,
    project,
    plan_view,
    plan_editor,
    conflict,
    section_history,
    plan_history,
    export_menu,
    print_view,
    shortcuts,
]


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("screen", SCREENS, ids=[s.__name__ for s in SCREENS])
def test_screen(open_page, demo, console_errors, screenshot, screen, width):
    console_errors.allow(r"status of 409 \(Conflict\)")
    page = screen(open_page, demo, VIEWPORTS[width])
    page, detail = page if isinstance(page, tuple) else (page, None)
    overflow = page.evaluate(OVERFLOW)
    name = f"screen-{screen.__name__.replace('_', '-')}-{width}"
    path = screenshot(page, name)
    # And the window as the reader sees it, at the part in use (the editor, the conflict).
    if detail is not None:
        detail.scroll_into_view_if_needed()
    page.screenshot(path=str(path.with_name(f"{name}-window.png")), animations="disabled")
    assert overflow <= 0, f"{name}: {overflow}px wider than the window"
