"""The plan page's push channel (static/js/live.js): under the ASGI app the page opens
/ws/plans/<id>/live/ and a section published elsewhere shows up at once, long before the
(here slowed) poll would have fetched it."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import add_member, make_plan, make_project, make_user

from .conftest import session_cookie

pytestmark = pytest.mark.e2e

TEXT = "# Launch\n\nWhy.\n\n## Scope\n\nThe first line.\n"


def test_a_publication_is_pushed_to_the_plan_page(asgi_servers, new_context):
    server = asgi_servers()
    alice = make_user("alice")
    project = make_project(owner=alice, slug="push", name="Push")
    bob = make_user("bob")
    add_member(project, bob, "editor")
    plan = make_plan(project, alice, text=TEXT)
    scope = plan.sections.get(heading="Scope")

    reader = new_context()
    reader.add_cookies([session_cookie(alice, server.url)])
    # A poll every minute: only the push can bring the change within the test's wait.
    reader.add_init_script("window.PLANHUB_LIVE_INTERVAL = 60000")
    page = reader.new_page()
    live_path = re.compile(rf"/ws/plans/{plan.pk}/live/$")
    with page.expect_websocket(lambda ws: bool(live_path.search(ws.url))) as opened:
        page.goto(server.url + plan.get_absolute_url())
    socket = opened.value
    page.wait_for_timeout(300)  # connected and subscribed
    assert not socket.is_closed()

    writer = new_context()
    writer.add_cookies([session_cookie(bob, server.url)])
    editor = writer.new_page()
    editor.goto(server.url + plan.get_absolute_url())
    editor.locator(f"#section-{scope.pk} .edit-button").click()
    form = editor.locator(f"form#section-{scope.pk}")
    expect(form.locator("[data-coedit-status]")).to_have_text("Saved to the server")
    form.locator(".cm-content").click()
    editor.keyboard.press("Control+End")
    editor.keyboard.type(" Pushed.")
    editor.keyboard.press("Control+Enter")
    expect(editor.locator(f"section#section-{scope.pk}")).to_contain_text("Pushed.")

    expect(page.locator(f"section#section-{scope.pk}")).to_contain_text("Pushed.", timeout=4000)
    assert not socket.is_closed()  # brought by a message, not by a reconnect's catch-up poll
