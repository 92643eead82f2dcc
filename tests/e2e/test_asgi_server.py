"""The app under uvicorn (tests/e2e/asgi_server.py): pages and static files served as in
production, a session made by the test is logged in there, restarts keep the port, and two
servers share the database."""

import urllib.request

import pytest
from playwright.sync_api import expect

from tests.factories import make_project, make_user

from .conftest import session_cookie

pytestmark = pytest.mark.e2e


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def test_two_servers_share_the_database_and_survive_a_restart(asgi_servers, new_context):
    first, second = asgi_servers(), asgi_servers()
    user = make_user("uma")
    make_project(owner=user, slug="shared", name="Shared Project")
    page = new_context().new_page()
    page.context.add_cookies([session_cookie(user, first.url), session_cookie(user, second.url)])
    for server in (first, second):
        page.goto(server.url + "/p/shared/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Shared Project")
    status, body = fetch(first.url + "/static/js/live.js")
    assert status == 200 and body

    port = first.port
    first.restart()
    assert first.port == port
    page.goto(first.url + "/p/shared/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Shared Project")
    assert "Application startup complete" in first.log()
