"""The co-editing editor in the browser (assets/coedit, docs/coediting-editor.md), against the
app under uvicorn (asgi_servers): CodeMirror on the shared draft, the status line, presence,
publishing with Ctrl+Enter, offline typing replayed after a reload, read-only after a demotion,
and the plain textarea when WebSockets do not work."""

import re

import pytest
from channels.layers import channel_layers
from playwright.sync_api import expect

from planhub.coediting import drafts
from planhub.coediting.models import Draft
from planhub.plans.models import Section
from planhub.projects.models import Membership
from tests.factories import add_member, make_plan, make_project, make_user

from .conftest import session_cookie

pytestmark = pytest.mark.e2e

TEXT = (
    "# Launch\n\nWhy.\n\n## Scope\n\nThe first line.\nThe second line.\n\n## Risks\n\nNone yet.\n"
)
SECTIONS = re.compile(r"/ws/sections/")


@pytest.fixture
def room(asgi_servers):
    """A plan with a Scope section; alice (owner), bob (editor), carol (reviewer); the server."""
    alice = make_user("alice")
    project = make_project(owner=alice, slug="coedit", name="Coedit")
    bob, carol = make_user("bob"), make_user("carol")
    add_member(project, bob, "editor")
    add_member(project, carol, "reviewer")
    plan = make_plan(project, alice, text=TEXT)
    scope = plan.sections.get(heading="Scope")
    return {
        "server": asgi_servers(),
        "plan": plan,
        "scope": scope,
        "alice": alice,
        "bob": bob,
        "carol": carol,
    }


@pytest.fixture
def browse(room, new_context):
    """browse(user, viewport=None, init_script=None) -> page on the plan, logged in."""

    def _browse(user, viewport=None, init_script=None):
        options = {"viewport": viewport} if viewport else {}
        context = new_context(**options)
        context.add_cookies([session_cookie(user, room["server"].url)])
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.goto(room["server"].url + room["plan"].get_absolute_url())
        return page

    return _browse


def form_of(page, section):
    return page.locator(f"form#section-{section.pk}[data-section-editor]")


def open_editor(page, section):
    """Click Edit and wait until CodeMirror shows the shared draft."""
    page.locator(f"#section-{section.pk} .edit-button").click()
    form = form_of(page, section)
    expect(form.locator(".cm-content")).to_be_visible()
    expect(form.locator("[data-coedit-status]")).to_have_text("Saved to the server")
    return form


def draft_text(section) -> tuple[str, str]:
    return drafts.doc_text(drafts.load_doc(Draft.objects.get(section=section)))


def record_statuses(page):
    """Every text the status line shows from now on, in window.__statuses."""
    page.evaluate(
        """() => {
          window.__statuses = [];
          const line = document.querySelector('[data-coedit-status]');
          new MutationObserver(() => window.__statuses.push(line.textContent))
            .observe(line, {childList: true, characterData: true, subtree: true});
        }"""
    )


def test_the_editor_mounts_on_the_draft_and_typing_reaches_the_server(room, browse):
    scope = room["scope"]
    page = browse(room["bob"])
    form = open_editor(page, scope)
    editor = form.locator(".cm-content")
    expect(editor).to_have_attribute("aria-label", "Text (Markdown)")
    expect(editor).to_contain_text("The second line.")
    expect(form.locator("textarea[name=body]")).to_be_hidden()
    assert form.get_attribute("data-draft-id") == str(Draft.objects.get(section=scope).pk)

    record_statuses(page)
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Typed by Bob.")
    expect(form.locator("[data-coedit-status]")).to_have_text("Saved to the server")
    statuses = page.evaluate("window.__statuses")
    assert any(s.startswith("not synced — ") and "waiting" in s for s in statuses), statuses
    assert draft_text(scope)[1].rstrip().endswith("The second line. Typed by Bob.")
    # The hidden textarea follows, for the form's POST.
    assert form.locator("textarea[name=body]").input_value().rstrip().endswith("Typed by Bob.")
    # Undo takes back one's own typing, in the draft too.
    page.keyboard.press("Control+z")
    expect(form.locator("textarea[name=body]")).not_to_have_value(re.compile("Typed by Bob"))
    expect(form.locator("[data-coedit-status]")).to_have_text("Saved to the server")
    assert "Typed by Bob" not in draft_text(scope)[1]


def test_ctrl_enter_publishes_the_draft_as_the_next_version(room, browse):
    scope = room["scope"]
    page = browse(room["bob"])
    form = open_editor(page, scope)
    form.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nPublished with Ctrl+Enter.")
    form.locator("input[name=heading]").fill("Scope and limits")
    page.keyboard.press("Control+Enter")
    shown = page.locator(f"section#section-{scope.pk}")
    expect(shown).to_contain_text("Published with Ctrl+Enter.")
    saved = Section.objects.get(pk=scope.pk)
    assert saved.version == scope.version + 1
    assert saved.heading == "Scope and limits"
    assert "The first line.\nThe second line.\nPublished with Ctrl+Enter." in saved.body


def test_two_editors_see_each_others_text_cursor_and_presence(room, browse, screenshot):
    scope = room["scope"]
    bob = browse(room["bob"])
    alice = browse(room["alice"])
    bob_form, alice_form = open_editor(bob, scope), open_editor(alice, scope)
    expect(bob_form.locator("[data-coedit-presence]")).to_have_text("In this draft: alice")
    expect(alice_form.locator("[data-coedit-presence]")).to_have_text("In this draft: bob")

    alice_form.locator(".cm-content").click()
    alice.keyboard.press("Control+End")
    alice.keyboard.type(" Alice was here.")
    bob_form.locator(".cm-line").first.click()
    bob.keyboard.press("Home")
    bob.keyboard.type("Bob: ")
    for form in (bob_form, alice_form):  # the textarea: the text without the cursor widgets
        expect(form.locator("textarea[name=body]")).to_have_value(
            re.compile(r"^Bob: The first line\.\nThe second line\. Alice was here\.")
        )
    # The other's cursor, with their name.
    expect(bob_form.locator(".cm-ySelectionInfo")).to_have_text("alice")
    expect(alice_form.locator(".cm-ySelectionInfo")).to_have_text("bob")
    # The heading is shared too, and a remote change keeps the local caret.
    alice_form.locator("input[name=heading]").press("End")
    alice.keyboard.type(" (EU)")
    expect(bob_form.locator("input[name=heading]")).to_have_value("Scope (EU)")

    screenshot(bob, "coedit-two-editors-1280")
    bob.set_viewport_size({"width": 375, "height": 800})
    bob_form.scroll_into_view_if_needed()
    screenshot(bob, "coedit-two-editors-375")
    width = bob.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways at 375 px ({width} px)"


def save_without_the_draft(section, author, body: str) -> None:
    """A save that reaches the section without its draft (a plain form, the API)."""
    current = Section.objects.get(pk=section.pk)
    current.save_edit(author=author, heading="Scope", body=body, base_version=current.version)


class SocketBlocker:
    """The page's draft WebSockets, routed through the test: `block()` drops the open ones and
    refuses new ones (the browser keeps what it types), `unblock()` lets them through again."""

    def __init__(self, page):
        self.on = False
        self.servers = []
        page.context.route_web_socket(SECTIONS, self.route)

    def route(self, ws) -> None:
        if self.on:
            ws.close()
            return
        self.servers.append(ws.connect_to_server())

    def block(self) -> None:
        self.on = True
        for server in self.servers:
            server.close()  # the connection drops; every new one is refused

    def unblock(self) -> None:
        self.on = False


def test_text_typed_while_the_socket_is_blocked_is_replayed_after_a_reload(
    room, browse, screenshot
):
    scope = room["scope"]
    page = browse(room["bob"])
    blocked = SocketBlocker(page)
    form = open_editor(page, scope)
    blocked.block()
    expect(form.locator("[data-coedit-status]")).to_have_text(re.compile("Reconnecting…|Offline"))
    form.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Typed offline.")
    expect(form.locator("[data-coedit-status]")).to_have_text(
        re.compile(r"Offline — \d+ changes? waiting, kept in this browser")
    )
    assert "Typed offline." not in draft_text(scope)[1]
    form.scroll_into_view_if_needed()
    screenshot(page, "coedit-offline-1280")

    page.reload()
    page.locator(f"#section-{scope.pk} .edit-button").click()
    # The page knows there is unsent work before the server is reachable.
    expect(form.locator("[data-coedit-status]")).to_have_text(
        re.compile(r"Offline — \d+ changes? waiting")
    )
    blocked.unblock()
    expect(form.locator("[data-coedit-status]")).to_have_text("Saved to the server")
    expect(form.locator(".cm-content")).to_contain_text("The second line. Typed offline.")
    assert draft_text(scope)[1].rstrip().endswith("The second line. Typed offline.")


@pytest.fixture
def same_channel_layer(room, settings):
    """This process broadcasts where the app server listens (its Redis, its prefix)."""
    environment = room["server"].environment
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [environment["REDIS_URL"]],
                "prefix": environment["CHANNEL_LAYER_PREFIX"],
            },
        }
    }
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


def test_an_editor_demoted_to_reviewer_watches_read_only(room, browse, same_channel_layer):
    scope = room["scope"]
    page = browse(room["bob"])
    form = open_editor(page, scope)
    membership = Membership.objects.get(project=room["plan"].project, user=room["bob"])
    membership.change_role("reviewer")  # its broadcast copes with Playwright's event loop here
    expect(form.locator("[data-coedit-status]")).to_have_text(
        "You are watching this draft; only editors can type."
    )
    expect(form.locator(".cm-content")).to_have_attribute("contenteditable", "false")
    expect(form.locator("[data-save]")).to_be_disabled()


def test_without_websocket_the_textarea_stays(room, browse):
    scope = room["scope"]
    page = browse(room["bob"], init_script="delete window.WebSocket;")
    page.locator(f"#section-{scope.pk} .edit-button").click()
    form = form_of(page, scope)
    textarea = form.locator("textarea[name=body]")
    expect(textarea).to_be_visible()
    expect(form.locator(".cm-content")).to_have_count(0)
    textarea.fill("Written without WebSocket.")
    form.locator("[data-save]").click()
    shown = page.locator(f"section#section-{scope.pk}")
    expect(shown).to_contain_text("Written without WebSocket.")
    assert Section.objects.get(pk=scope.pk).body.strip() == "Written without WebSocket."


def test_a_socket_that_never_connects_falls_back_to_the_textarea(room, browse, console_errors):
    scope = room["scope"]
    page = browse(room["bob"])
    page.context.route_web_socket(SECTIONS, lambda ws: ws.close())
    page.locator(f"#section-{scope.pk} .edit-button").click()
    form = form_of(page, scope)
    expect(form).to_contain_text(
        "Live co-editing is unavailable; your text is saved when you press Save."
    )
    textarea = form.locator("textarea[name=body]")
    expect(textarea).to_be_visible()
    expect(textarea).to_be_editable()
    expect(textarea).to_have_value(re.compile("The second line."))
    assert form.locator("input[name=draft]").count() == 0
    textarea.fill("Saved the old way.")
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"section#section-{scope.pk}")).to_contain_text("Saved the old way.")


def test_a_publication_by_someone_else_keeps_the_editor_open_on_the_new_version(room, browse):
    scope = room["scope"]
    bob, alice = browse(room["bob"]), browse(room["alice"])
    bob_form, alice_form = open_editor(bob, scope), open_editor(alice, scope)
    alice_form.locator(".cm-content").click()
    alice.keyboard.press("Control+End")
    alice.keyboard.type(" Alice publishes.")
    alice.keyboard.press("Control+Enter")
    expect(alice.locator(f"section#section-{scope.pk}")).to_contain_text("Alice publishes.")
    expect(bob_form.locator("[data-coedit-notice]")).to_have_text("alice published version 2.")
    expect(bob_form.locator("input[name=version]")).to_have_value("2")
    # Alice's editor closed: she left the draft.
    expect(bob_form.locator("[data-coedit-presence]")).to_have_text("Only you are in this draft.")
    # Bob goes on typing in the same editor, and publishes the next version.
    bob_form.locator(".cm-content").click()
    bob.keyboard.press("Control+End")
    bob.keyboard.type(" Bob follows.")
    bob.keyboard.press("Control+Enter")
    expect(bob.locator(f"section#section-{scope.pk}")).to_contain_text("Bob follows.")
    saved = Section.objects.get(pk=scope.pk)
    assert saved.version == 3
    assert saved.body.rstrip().endswith("The second line. Alice publishes. Bob follows.")


def test_unsent_text_stays_visible_when_the_draft_is_discarded_meanwhile(room, browse):
    scope = room["scope"]
    page = browse(room["bob"])
    blocked = SocketBlocker(page)
    form = open_editor(page, scope)
    old_draft = form.get_attribute("data-draft-id")
    form.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Stored.")
    expect(form.locator("[data-coedit-status]")).to_have_text("Saved to the server")
    blocked.block()
    form.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Never sent.")
    expect(form.locator("[data-coedit-status]")).to_contain_text("kept in this browser")

    # Meanwhile alice discards the draft (its stored text stays in the section's history).
    alice = browse(room["alice"])
    alice.locator(f"#section-{scope.pk} .draft-discard summary").click()
    alice.get_by_role("button", name="Discard the draft").click()
    expect(alice.locator(f"#section-{scope.pk} [data-draft-banner]")).to_have_count(0)

    blocked.unblock()
    unsent = form.locator("[data-coedit-unsent] textarea")
    expect(unsent).to_have_value(re.compile(r"The second line\. Stored\. Never sent\."))
    expect(form.locator("[data-coedit-status]")).to_have_text("Saved to the server")
    assert form.get_attribute("data-draft-id") != old_draft
    expect(form.locator("textarea[name=body]")).not_to_have_value(re.compile("Never sent"))


def test_a_save_made_without_the_draft_is_merged_into_the_open_editor(
    room, browse, same_channel_layer
):
    scope = room["scope"]
    page = browse(room["bob"])
    form = open_editor(page, scope)
    form.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\nBob's paragraph.")
    expect(form.locator("[data-coedit-status]")).to_have_text("Saved to the server")

    # Alice saves the first line through a plain form (no JavaScript): merged into the draft.
    save_without_the_draft(scope, room["alice"], "The first line, by Alice.\nThe second line.\n")
    expect(form.locator("[data-coedit-notice]")).to_have_text(
        re.compile(r"^alice's save was merged into the draft\.$")
    )
    expect(form.locator("textarea[name=body]")).to_have_value(
        re.compile(r"^The first line, by Alice\.\nThe second line\.\n\nBob's paragraph\.")
    )
    expect(form.locator("input[name=version]")).to_have_value("2")


def test_a_conflicting_save_shows_its_markers_in_the_draft(room, browse, same_channel_layer):
    scope = room["scope"]
    page = browse(room["bob"])
    form = open_editor(page, scope)
    form.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Bob types.")
    expect(form.locator("[data-coedit-status]")).to_have_text("Saved to the server")

    # Alice changes the line next to Bob's: merge3 cannot place both.
    save_without_the_draft(scope, room["alice"], "The first line, by Alice.\nThe second line.\n")
    expect(form.locator("[data-coedit-notice]")).to_have_text(
        "alice's save was merged into the draft. "
        "1 conflict to resolve: look for the <<<<<<< markers."
    )
    body = form.locator("textarea[name=body]")
    expect(body).to_have_value(re.compile(r"<<<<<<<"))
    expect(body).to_have_value(re.compile(r"The first line, by Alice\."))
    expect(body).to_have_value(re.compile(r"The second line\. Bob types\."))
