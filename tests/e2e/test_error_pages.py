"""The error pages look like the site and say what to do, with no technical detail. The 500
page is rendered without a request context (no user, no request), as Django does."""

import pytest
from django.test import Client, override_settings
from django.urls import path
from playwright.sync_api import expect

from planhub import urls as site_urls


class ExplodedError(Exception):
    pass


def explode(request):
    raise ExplodedError("secret-detail: db.internal:5432")


urlpatterns = [path("explode/", explode), *site_urls.urlpatterns]
with_an_exploding_view = override_settings(ROOT_URLCONF=__name__, DEBUG=False)


@with_an_exploding_view
def test_the_500_page_is_friendly_and_tells_nothing_technical(db):
    response = Client(raise_request_exception=False).get("/explode/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "try again" in html and "the person who runs PlanHub" in html
    assert '<link rel="stylesheet" href="/static/css/planhub.css">' in html
    assert "secret-detail" not in html and "ExplodedError" not in html
    assert "Server Error (500)" not in html  # Django's bare fallback


@pytest.mark.e2e
@with_an_exploding_view
@pytest.mark.parametrize("width", [1280, 375])
def test_the_500_page_looks_like_the_site(
    open_page, live_server, console_errors, screenshot, width
):
    console_errors.allow("status of 500")
    page = open_page(None, None, viewport={"width": width, "height": 800})
    response = page.goto(live_server.url + "/explode/")
    assert response is not None and response.status == 500
    expect(page.get_by_role("heading", name="Something went wrong on our side")).to_be_visible()
    expect(page.get_by_role("link", name="Go to your dashboard")).to_have_attribute("href", "/")
    # The site's stylesheet applied: its top bar, its page width, its button.
    expect(page.locator(".topbar")).to_have_css("background-color", "rgb(246, 247, 249)")
    expect(page.locator(".button.primary")).to_have_css("background-color", "rgb(36, 86, 199)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"error-500-{width}")


@pytest.mark.e2e
@pytest.mark.parametrize("width", [1280, 375])
def test_the_404_page_looks_like_the_site(
    open_page, live_server, console_errors, screenshot, owner, width
):
    console_errors.allow("status of 404")
    page = open_page(owner, None, viewport={"width": width, "height": 800})
    response = page.goto(live_server.url + "/p/no-such-project/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.locator(".topbar")).to_have_css("background-color", "rgb(246, 247, 249)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"error-404-{width}")
