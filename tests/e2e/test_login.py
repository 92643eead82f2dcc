"""Logging in through the real form."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_login_form_leads_to_dashboard_listing_the_project(
    open_page, live_server, project, owner, plan, password, screenshot
):
    page = open_page(None, "/")
    # The dashboard needs a login: the form comes first, remembering where to go next.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Log in to PlanHub")).to_be_visible()

    page.get_by_label("Username or e-mail address").fill("olivia")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    card = page.locator(".card-list .card").filter(has_text="Apollo")
    expect(card).to_have_count(1)
    expect(card.get_by_role("link", name="Apollo")).to_have_attribute("href", "/p/apollo/")
    expect(card.locator(".role-badge")).to_have_text("Owner")
    expect(page.locator(".whoami")).to_have_text("olivia")
    expect(page.locator(".whoami")).to_have_attribute("href", "/accounts/profile/")
    # The plan shows among the recently changed plans, linked, with its project.
    recent = page.locator("table.list-table tbody tr").filter(has_text=plan.title)
    expect(recent).to_have_count(1)
    expect(recent.get_by_role("link", name=plan.title)).to_have_attribute(
        "href", plan.get_absolute_url()
    )
    expect(recent).to_contain_text("Apollo")
    screenshot(page, "dashboard")

    card.get_by_role("link", name="Apollo").click()
    expect(page.get_by_role("heading", name="Apollo", level=1)).to_be_visible()


def test_wrong_password_shows_an_error_and_keeps_the_username(open_page, project, owner):
    page = open_page(None, "/accounts/login/")
    page.get_by_label("Username or e-mail address").fill("olivia")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.locator(".alert-error")).to_be_visible()
    expect(page.locator("#id_login")).to_have_value("olivia")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
