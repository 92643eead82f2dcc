"""Members who cannot edit see the plan without any way to start editing."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import section_named, shown_section

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_member_without_edit_right_sees_no_edit_buttons(open_page, plan, members, role):
    page = open_page(members[role], plan.get_absolute_url())

    sections = page.locator("article.plan-body section.plan-section[id^=section-]")
    expect(sections).to_have_count(plan.sections.count())
    expect(page.locator("main h1")).to_have_text(plan.title)
    expect(page.locator(".edit-button")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^Edit\b"))).to_have_count(0)
    expect(page.locator("[data-edit-url]")).to_have_count(0)

    # Clicking the text (which opens the editor for editors) does nothing.
    overview = section_named(plan, "Overview")
    shown_section(page, overview).locator(".section-body p").first.click()
    page.wait_for_timeout(300)  # time enough for an htmx request, were one to start
    expect(page.locator("form[data-section-editor]")).to_have_count(0)
    expect(shown_section(page, overview)).to_be_visible()


def test_editor_sees_edit_buttons(open_page, plan, editor):
    page = open_page(editor, plan.get_absolute_url())
    expect(page.locator(".edit-button")).to_have_count(plan.sections.count())
