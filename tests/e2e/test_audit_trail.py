"""An owner downloads a plan's audit trail from the export menu; other members see no link."""

import csv
import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 375])
def test_owner_downloads_the_audit_trail(open_page, owner, editor, plan, screenshot, width):
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    section.save_edit(author=editor, heading="Overview", body="We ship.", base_version=1)
    page = open_page(owner, plan.get_absolute_url(), viewport={"width": width, "height": 900})
    menu = page.locator("details.export-menu")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")  # the menu opens from the keyboard
    expect(menu).to_have_attribute("open", "")
    csv_link = page.get_by_role("link", name="Audit trail, CSV (owners)")
    expect(csv_link).to_be_visible()
    expect(page.get_by_role("link", name="Audit trail, JSON (owners)")).to_be_visible()
    screenshot(page, f"audit-trail-menu-{width}")
    no_sideways_scroll = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert no_sideways_scroll
    with page.expect_download() as download:
        csv_link.click()
    assert download.value.suggested_filename.endswith("-audit-trail.csv")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["action"] == "plan created" and rows[0]["who"] == "olivia"
    edit = rows[-1]
    assert (edit["action"], edit["who"]) == ("section version", "eddie")
    assert json.loads(edit["data"])["heading"] == "Overview"


def test_other_members_see_no_audit_links(open_page, editor, plan):
    page = open_page(editor, plan.get_absolute_url())
    page.get_by_text("Export", exact=True).click()
    expect(page.get_by_role("link", name="Markdown, with the sign-off table")).to_be_visible()
    expect(page.get_by_role("link", name="Audit trail, CSV (owners)")).to_have_count(0)
