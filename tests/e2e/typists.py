"""People typing into one shared draft, each in a browser context of their own, for the
co-editing browser tests (tests/e2e/test_coediting.py).

Each typist types characters of an alphabet nobody else uses (A: capitals, B: small letters,
C: digits) into a section whose text holds none of them. What reached the text from a typist
is then the text filtered to their alphabet: equal to what they typed means none of their
characters was lost or doubled and all kept the order they were typed in.
"""

import itertools
import re
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Page, expect

from .conftest import session_cookie

FORM = "form[data-section-editor]"
EDITOR = f"{FORM} .cm-content[data-coedit-body]"
STATUS = f"{FORM} [data-coedit-status]"
PRESENCE = f"{FORM} [data-coedit-presence]"
SAVED = "Saved to the server"
# What the status line says while some of this browser's changes are not stored yet.
WAITING = r"not synced — \d+ changes? waiting|Offline — \d+ changes? waiting"

# Lines without a letter or a digit: whatever letters and digits the text ends with were typed.
INITIAL_BODY = "—\n\n—\n\n—"
ALPHABETS = (string.ascii_uppercase, string.ascii_lowercase, string.digits)


def only(alphabet: str, text: str) -> str:
    return "".join(ch for ch in text if ch in alphabet)


def wait_until(
    predicate: Callable[[], object],
    timeout: float,
    what: str,
    poll: float = 0.1,
    idle: Callable[[float], object] = time.sleep,
):
    """Poll `predicate` until it is truthy; fail naming `what` after `timeout` seconds.
    `idle(seconds)` passes the time between polls (a page's wait_for_timeout lets Playwright
    handle events meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        idle(poll)


@dataclass
class Typist:
    """One person in one browser context, typing their own alphabet at one place in the text:
    `at_end_of` is "first line" (beside another typist) or "text" (a line of their own)."""

    name: str
    user: object
    context: BrowserContext
    server_url: str
    path: str
    alphabet: str
    at_end_of: str
    typed: list[str] = field(default_factory=list)
    unload_prompts: int = 0
    # While set, what this browser sends on its draft's WebSocket never reaches the server
    # (see route_websockets): its typing stays unacknowledged, as when a connection dies with
    # messages in flight.
    losing_sent: bool = False
    page: Page | None = None
    _letters: itertools.cycle = field(init=False, repr=False)

    def __post_init__(self):
        self._letters = itertools.cycle(self.alphabet)

    # --- the page ---

    def open(self, *, route_websockets: bool = False) -> "Typist":
        if route_websockets:
            self.route_websockets()
        self.context.add_cookies([session_cookie(self.user, self.server_url)])
        self.page = self.context.new_page()
        self.page.on("dialog", self._leave_anyway)
        response = self.page.goto(self.server_url + self.path)
        assert response is not None and response.ok, f"GET {self.path}: {response.status}"
        return self

    def route_websockets(self) -> None:
        """Pass this context's draft WebSockets through the test (before the page opens), so
        that `losing_sent` can drop what the browser sends."""

        def route(socket) -> None:
            server = socket.connect_to_server()
            socket.on_message(lambda message: None if self.losing_sent else server.send(message))

        self.context.route_web_socket(re.compile(r"/ws/sections/\d+/draft/"), route)

    def _leave_anyway(self, dialog) -> None:
        # The page asks before a reload loses unconfirmed changes; the test reloads anyway,
        # as someone whose browser crashed would: IndexedDB has to bring the changes back.
        if dialog.type == "beforeunload":
            self.unload_prompts += 1
        dialog.accept()

    def reload_without_waiting(self) -> None:
        """Reload and return once the new page is on its way (the others keep typing)."""
        self.page.reload(wait_until="commit")

    def ready(self) -> bool:
        """The editor is on the page, connected, and holds the server's text."""
        return self.page.locator(EDITOR).count() == 1 and self.status() == SAVED

    def wait_ready(self, timeout: float = 15) -> None:
        expect(self.page.locator(EDITOR)).to_be_visible(timeout=timeout * 1000)
        expect(self.page.locator(STATUS)).to_have_text(SAVED, timeout=timeout * 1000)

    def place_cursor(self) -> None:
        """Put the caret where this typist types: after their own last character (nobody else
        types after it, or everyone who does types at the same place)."""
        editor = self.page.locator(EDITOR)
        editor.click()
        keyboard = self.page.keyboard
        keyboard.press("Control+Home")
        keyboard.press("End" if self.at_end_of == "first line" else "Control+End")

    # --- typing and reading ---

    def type_one(self) -> None:
        letter = next(self._letters)
        self.page.keyboard.type(letter)
        self.typed.append(letter)

    def typed_text(self) -> str:
        return "".join(self.typed)

    def text(self) -> str:
        """The shared body as this browser has it (the form's textarea follows the editor)."""
        return self.page.locator(f"{FORM} textarea[name=body]").input_value()

    def status(self) -> str:
        locator = self.page.locator(STATUS)
        return locator.inner_text() if locator.count() else ""

    def presence(self):
        return self.page.locator(PRESENCE)
