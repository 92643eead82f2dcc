"""With JavaScript off, editing still works through ordinary links, forms and redirects."""

import pytest
from playwright.sync_api import expect

from .helpers import section_named, shown_section

pytestmark = pytest.mark.e2e


def test_edit_link_opens_a_form_page_and_save_redirects_back(open_page, live_server, plan, owner):
    overview = section_named(plan, "Overview")
    page = open_page(owner, plan.get_absolute_url(), javascript=False)

    page.get_by_role("link", name="Edit Overview", exact=True).click()
    edit_path = f"{overview.get_absolute_url()}edit/"
    expect(page).to_have_url(live_server.url + edit_path)
    expect(page).to_have_title(f"Overview · {plan.title} · PlanHub")
    form = page.locator(f"form#section-{overview.pk}")
    expect(form.locator("input[name=heading]")).to_have_value("Overview")
    expect(form.locator("textarea[name=body]")).to_have_value(overview.editable_body)

    form.locator("input[name=heading]").fill("Overview (no JS)")
    form.locator("textarea[name=body]").fill("Written with scripts **off**.\n\n- [x] still works")
    form.get_by_role("button", name="Save").click()

    expect(page).to_have_url(live_server.url + f"{plan.get_absolute_url()}#section-{overview.pk}")
    expect(page.locator(".flash-success")).to_have_text("Saved “Overview (no JS)”.")
    section = shown_section(page, overview)
    expect(section.locator("h2")).to_have_text("Overview (no JS)")
    expect(section.locator(".section-body strong")).to_have_text("off")
    expect(section.locator(".section-body input[type=checkbox]")).to_be_checked()
    expect(page.locator("#outline").get_by_role("link", name="Overview (no JS)")).to_be_visible()
    overview.refresh_from_db()
    assert (overview.heading, overview.version) == ("Overview (no JS)", 2)


def test_cancel_link_goes_back_to_the_plan(open_page, live_server, plan, owner):
    overview = section_named(plan, "Overview")
    page = open_page(owner, f"{overview.get_absolute_url()}edit/", javascript=False)
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(live_server.url + f"{plan.get_absolute_url()}#section-{overview.pk}")
    expect(shown_section(page, overview)).to_be_visible()


def test_conflict_without_javascript_keeps_the_text(
    open_page, console_errors, live_server, plan, owner, editor
):
    overview = section_named(plan, "Overview")
    # The refused save is a 409 page by design; Chromium logs any 4xx load as an error.
    console_errors.allow(rf"status of 409 \(Conflict\) @ .*{overview.get_absolute_url()}$")
    page = open_page(editor, f"{overview.get_absolute_url()}edit/", javascript=False)
    overview.save_edit(author=owner, heading="Overview", body="Theirs.", base_version=1)

    page.locator("textarea[name=body]").fill("Mine, typed without scripts.")
    section_url = live_server.url + overview.get_absolute_url()
    is_save = lambda r: r.url == section_url and r.request.method == "POST"  # noqa: E731
    with page.expect_response(is_save) as answer:
        page.get_by_role("button", name="Save").click()
    assert answer.value.status == 409
    expect(page.locator(".alert-conflict")).to_contain_text("olivia changed the same lines")
    # Both texts in the editor, between markers the alert explains; no buttons without JS.
    expect(page.locator("textarea[name=body]")).to_have_value(
        "<<<<<<< your text\nMine, typed without scripts.\n=======\nTheirs.\n"
        ">>>>>>> olivia's version 2"
    )
    expect(page.locator(".alert-conflict")).to_contain_text("delete the three marker lines")
    expect(page.locator("pre.their-text")).to_contain_text("Theirs.")
    expect(page.get_by_role("button", name="Mine", exact=True)).to_be_hidden()
    # Saving with the markers left is refused, the text kept; without them it saves.
    console_errors.allow(rf"status of 422 .* @ .*{overview.get_absolute_url()}$")
    with page.expect_response(is_save) as answer:
        page.get_by_role("button", name="Save").click()
    assert answer.value.status == 422
    expect(page.locator(".alert-error")).to_contain_text("Not saved: 1 conflicting part")
    page.locator("textarea[name=body]").fill("Theirs.\nMine, typed without scripts.")
    with page.expect_response(is_save) as answer:
        page.get_by_role("button", name="Save").click()
    assert answer.value.status == 302
    overview.refresh_from_db()
    assert overview.editable_body == "Theirs.\nMine, typed without scripts."
    assert overview.revisions.get(version=3).note == "Resolved a conflict with version 2"
