"""Issue 18, "Done means": three people type into one section at once, in the same line and in
different lines, while one of them is offline for 5 s and another reloads; after publishing,
the section holds every character each of them typed, in the order they typed it. The same
with the app server restarted mid-typing, and with two app servers sharing Redis and the
database. The app runs as in production: uvicorn, the Redis channel layer
(tests/e2e/asgi_server.py). What each test proves: docs/coediting-testing.md.
"""

import re
import threading
import time
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from planhub.coediting.drafts import draft_text
from planhub.coediting.models import Draft
from planhub.plans.models import Plan, Section
from planhub.projects.models import Role
from tests.factories import add_member, make_project

from .typists import ALPHABETS, INITIAL_BODY, SAVED, WAITING, Typist, only, wait_until

pytestmark = pytest.mark.e2e

PEOPLE = [("ada", "Ada", "Lovelace"), ("ben", "Ben", "Okafor"), ("cyd", "Cyd", "Moreau")]
OFFLINE_SECONDS = 5.0
KEYSTROKE_INTERVAL = 0.1  # s between one round of keystrokes (one each) and the next
SETTLE_SECONDS = 30  # for everything typed to be stored and reach every browser


@pytest.fixture
def shared_section(transactional_db):
    """A section three editors can edit, whose text has no letter and no digit."""
    User = get_user_model()
    people = [
        User.objects.create_user(username=u, first_name=f, last_name=la, password="x-pass-1234")
        for u, f, la in PEOPLE
    ]
    project = make_project(owner=people[0], slug="coedit", name="Co-editing")
    for person in people[1:]:
        add_member(project, person, Role.EDITOR)
    plan = Plan.create_from_markdown(
        project=project,
        text=f"# Launch plan\n\n## Notes\n\n{INITIAL_BODY}\n",
        author=people[0],
    )
    section = Section.objects.get(plan=plan, heading="Notes")
    assert section.editable_body == INITIAL_BODY
    return section, people


def open_typists(section, people, servers, new_context) -> list[Typist]:
    """Ada, Ben and Cyd open the section's editor (Ada and Ben type at the end of its first
    line, Cyd at the end of its last), on servers[i % len(servers)]."""
    path = section.get_absolute_url() + "edit/"
    places = ["first line", "first line", "text"]
    typists = []
    for i, (person, alphabet, place) in enumerate(zip(people, ALPHABETS, places, strict=True)):
        context = new_context()
        server = servers[i % len(servers)]
        typist = Typist(person.first_name, person, context, server.url, path, alphabet, place)
        # Cyd's sent messages can be lost in transit (type_together: before Cyd reloads).
        typists.append(typist.open(route_websockets=i == 2))
    for typist in typists:
        typist.wait_ready()
        others = [t.user.get_full_name() for t in typists if t is not typist]
        expect(typist.presence()).to_have_text(f"In this draft: {', '.join(sorted(others))}")
        typist.place_cursor()
    return typists


@dataclass
class Timeline:
    """When, in seconds after the typing starts, each disruption happens."""

    offline_at: float = 1.0
    reload_at: float = 3.0
    restart_at: float | None = None
    typing_for: float = 9.0


def type_together(
    typists, *, offline: Typist, reloads: Typist, restart=None, timeline=None
) -> set[str]:
    """Everyone types one character in turn, every KEYSTROKE_INTERVAL, for `timeline.typing_for`
    seconds; meanwhile `offline` loses its network for 5 s and keeps typing, `reloads` reloads
    its page and types on once its editor is back, and `restart` ((app server, kill)), if
    given, is stopped (SIGKILL as in a crash, or SIGTERM) and started again on its port while
    the others type.
    Returns what the first typist's status line said while the server was restarting."""
    timeline = timeline or Timeline()
    start = time.monotonic()
    went_offline = back_online = reloaded = False
    reloading = False
    restarter: threading.Thread | None = None
    restart_failed: list[BaseException] = []
    typed_before_offline = 0
    statuses_while_restarting: set[str] = set()

    def elapsed() -> float:
        return time.monotonic() - start

    while True:
        now = elapsed()
        if not went_offline and now >= timeline.offline_at:
            offline.context.set_offline(True)
            went_offline, offline_since = True, now
            typed_before_offline = len(offline.typed)
        if went_offline and not back_online and now >= offline_since + OFFLINE_SECONDS:
            assert_offline_changes_stayed_home(typists, offline, typed_before_offline)
            offline.context.set_offline(False)
            back_online = True
        # A reload while the server is down would only show the browser's error page.
        server_up = restarter is None or not restarter.is_alive()
        if not reloads.losing_sent and not reloaded and now >= timeline.reload_at - 1:
            reloads.losing_sent = True
        if not reloaded and now >= timeline.reload_at and server_up:
            # The page goes with changes the server never got: IndexedDB must bring them back.
            expect(reloads.page.locator("[data-coedit-status]")).to_have_text(re.compile(WAITING))
            reloads.losing_sent = False
            reloads.reload_without_waiting()
            reloaded = reloading = True
        if reloading and reloads.ready():
            reloads.place_cursor()
            reloading = False
        if restart is not None and restarter is None and now >= timeline.restart_at:
            restarter = threading.Thread(
                target=_restart, args=(*restart, restart_failed), name="restart", daemon=True
            )
            restarter.start()
        restart_done = restart is None or (restarter is not None and not restarter.is_alive())
        if restarter is not None and not restart_done:
            statuses_while_restarting.add(typists[0].status())
        if (
            now >= timeline.typing_for
            and back_online
            and reloaded
            and not reloading
            and restart_done
        ):
            break
        assert now < timeline.typing_for + 30, (
            f"still disrupted after {now:.0f} s: offline={not back_online}, "
            f"reloading={reloading}, restarting={not restart_done}"
        )
        for typist in typists:
            if not (typist is reloads and reloading):
                typist.type_one()
        pause = start + now + KEYSTROKE_INTERVAL - time.monotonic()
        if pause > 0:  # the typing rhythm, not a wait for something; Playwright works meanwhile
            typists[0].page.wait_for_timeout(pause * 1000)
    if restart_failed:
        raise restart_failed[0]
    assert reloads.unload_prompts == 1, "the page let unconfirmed changes go without asking"
    # Everyone typed after every disruption: the last characters prove the editors still work.
    for _ in range(5):
        for typist in typists:
            typist.type_one()
    return statuses_while_restarting


def _restart(server, kill: bool, failures: list) -> None:
    try:
        server.restart(kill=kill)
    except BaseException as error:  # noqa: BLE001 - raised again in the test's thread
        failures.append(error)


def assert_offline_changes_stayed_home(typists, offline: Typist, typed_before: int) -> None:
    """While offline, what the typist types is in their editor, and nobody else's."""
    assert len(offline.typed) > typed_before + 10, "typed too little while offline"
    expect(offline.page.locator("[data-coedit-status]")).to_have_text(re.compile(WAITING))
    assert only(offline.alphabet, offline.text()) == offline.typed_text()
    for other in typists:
        if other is not offline and other.page.locator("textarea[name=body]").count():
            seen = only(offline.alphabet, other.text())
            assert len(seen) <= typed_before, f"{other.name} saw what an offline browser typed"


def assert_nothing_lost(typists, text: str, where: str) -> None:
    for typist in typists:
        got = only(typist.alphabet, text)
        assert got == typist.typed_text(), (
            f"{where}: {typist.name} typed {len(typist.typed)} characters, "
            f"{len(got)} arrived:\n typed   {typist.typed_text()}\n arrived {got}"
        )


def settle(typists, section) -> str:
    """Wait until every browser has stored everything and holds the same text; returns it."""
    for typist in typists:
        expect(typist.page.locator("[data-coedit-status]")).to_have_text(
            SAVED, timeout=SETTLE_SECONDS * 1000
        )

    def converged():
        texts = [typist.text() for typist in typists]
        if len(set(texts)) != 1:
            return None
        complete = all(only(t.alphabet, texts[0]) == t.typed_text() for t in typists)
        return texts[0] if complete else None

    try:
        return wait_until(
            converged,
            SETTLE_SECONDS,
            "the editors to show the same text",
            idle=lambda seconds: typists[0].page.wait_for_timeout(seconds * 1000),
        )
    except AssertionError as timeout:
        raise AssertionError(f"{timeout}\n{what_each_has(typists, section)}") from None


def what_each_has(typists, section) -> str:
    """For a failure: how many of each typist's characters each browser and the server have."""
    _, stored = draft_text(Draft.objects.get(section=section))
    texts = {f"{t.name}'s editor": t.text() for t in typists} | {"the server": stored}
    lines = []
    for where, text in texts.items():
        counts = ", ".join(
            f"{t.name} {len(only(t.alphabet, text))}/{len(t.typed)}"
            + ("" if only(t.alphabet, text) == t.typed_text() else " (differs)")
            for t in typists
        )
        lines.append(f"  {where}: {counts}")
    return "characters typed / arrived:\n" + "\n".join(lines)


def publish(publisher: Typist, section, *, last_words: int = 0) -> Section:
    """Ctrl+Enter in the publisher's editor; returns the section as published.

    With `last_words`, the publisher first loses the network, types that many characters and
    presses Ctrl+Enter: the save has to wait for them ("Waiting for N changes…") and publishes
    once the network is back and the server has stored them."""
    version = Section.objects.get(pk=section.pk).version
    status = publisher.page.locator("[data-coedit-status]")
    if last_words:
        publisher.context.set_offline(True)
        for _ in range(last_words):
            publisher.type_one()
        publisher.page.keyboard.press("Control+Enter")
        expect(status).to_have_text(f"Waiting for {last_words} changes to reach the server…")
        assert Section.objects.get(pk=section.pk).version == version, "published too early"
        publisher.context.set_offline(False)
    else:
        publisher.page.keyboard.press("Control+Enter")
    return wait_until(
        lambda: Section.objects.filter(pk=section.pk, version__gt=version).first(),
        SETTLE_SECONDS,
        f"the section's next version in the database (the publisher's page says: "
        f"{publisher.page.locator('main').inner_text()[:600]!r})",
    )


def assert_published_everything(typists, published: Section, people) -> None:
    """Every character each typed is in the published text, in their order; the editors that
    stay open show that text, and everyone who typed is an author of the version."""
    assert_nothing_lost(typists, published.editable_body, "the published section")
    # The text they started from is all there.
    assert only("—", published.editable_body) == only("—", INITIAL_BODY)
    revision = published.revisions.get(version=published.version)
    assert set(revision.authors.all()) == set(people), "everyone who typed is an author"
    publisher, *others = typists
    expect(publisher.page.locator(f"section#section-{published.pk}")).to_be_visible()
    for typist in others:
        wait_until(
            lambda typist=typist: typist.text() == published.editable_body,
            SETTLE_SECONDS,
            f"{typist.name}'s editor to show the published text",
        )
        expect(typist.page.locator("[data-coedit-notice]").last).to_have_text(
            f"{publisher.user.username} published version {published.version}."
        )


def test_three_editors_type_at_once_offline_and_reload(asgi_servers, new_context, shared_section):
    """One app server; Ben offline for 5 s, Cyd's last second lost in transit and reloaded;
    Ada publishes once every browser says "Saved to the server"."""
    section, people = shared_section
    server = asgi_servers()
    typists = open_typists(section, people, [server], new_context)
    ada, ben, cyd = typists
    type_together(typists, offline=ben, reloads=cyd)
    settle(typists, section)
    published = publish(ada, section)
    assert_published_everything(typists, published, people)


@pytest.mark.parametrize("stop", ["killed", "terminated"])
def test_nothing_lost_when_the_app_server_restarts_mid_typing(
    asgi_servers, new_context, shared_section, console_errors, stop
):
    """The server process is killed (SIGKILL: no goodbye to anyone) or terminated (SIGTERM:
    uvicorn closes the connections) and started again on its port while all three type: what
    it received and had not stored is sent again."""
    allow_server_gone(console_errors)
    section, people = shared_section
    server = asgi_servers()
    typists = open_typists(section, people, [server], new_context)
    ada, ben, cyd = typists
    timeline = Timeline(offline_at=1.0, reload_at=7.0, restart_at=2.5, typing_for=10.0)
    said = type_together(
        typists, offline=ben, reloads=cyd, restart=(server, stop == "killed"), timeline=timeline
    )
    assert server.log().count("===== start") == 2
    # Ada's browser noticed the server was gone and kept her typing meanwhile.
    assert any(re.fullmatch(r"Offline — \d+ changes? waiting.*|Reconnecting…", s) for s in said), (
        said
    )
    settle(typists, section)
    published = publish(ada, section, last_words=3)
    assert_published_everything(typists, published, people)


def test_nothing_lost_across_two_app_servers(
    asgi_servers, new_context, shared_section, console_errors
):
    """Ada and Cyd on one app server, Ben on another: their updates meet through Redis, and
    both store into the one database."""
    section, people = shared_section
    servers = [asgi_servers(), asgi_servers()]
    typists = open_typists(section, people, servers, new_context)
    ada, ben, cyd = typists
    assert ben.server_url != ada.server_url == cyd.server_url
    for server in servers:
        assert "WebSocket /ws/sections/" in server.log()
    type_together(typists, offline=ben, reloads=cyd)
    settle(typists, section)
    published = publish(ben, section)
    assert_published_everything([ben, ada, cyd], published, people)


# Whether a user sees the element: the point at its middle shows it, not whatever clips or
# covers it (Playwright's "visible" only asks for a non-empty box).
SEEN = """element => {
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit !== null && (hit === element || element.contains(hit));
}"""


def allow_server_gone(console_errors) -> None:
    """While the app server is down, the browser says so in its console: the WebSocket's
    reconnection attempts and the page's polls fail."""
    console_errors.allow(r"WebSocket connection to 'ws://127\.0\.0\.1:\d+/ws/.*' failed")
    console_errors.allow(r"Failed to load resource: net::ERR_CONNECTION_REFUSED")


def test_cursors_names_and_presence_screenshots(
    asgi_servers, new_context, shared_section, screenshot
):
    """Ada and Ben at 1280 px, Cyd on a 375 px phone: each sees the others' carets in their
    colour with their name, Ben's selection, who is in the draft, and the status line."""
    section, people = shared_section
    server = asgi_servers()
    ada, ben, cyd = typists = open_typists(section, people, [server], new_context)
    cyd.page.set_viewport_size({"width": 375, "height": 740})
    for word in ("Launch", "window", "opens"):
        for typist in typists:
            for letter in word:
                typist.page.keyboard.type(letter)
            typist.page.keyboard.type(" ")
    ben.page.keyboard.press("Shift+Control+ArrowLeft")  # Ben selects his last word
    for typist in typists:
        expect(typist.page.locator("[data-coedit-status]")).to_have_text(SAVED)
        for other in typists:
            if other is typist:
                continue
            label = typist.page.locator(".cm-ySelectionInfo", has_text=other.user.get_full_name())
            expect(label).to_be_visible()
    expect(ada.page.locator(".cm-ySelection")).not_to_have_count(0)  # Ben's selection
    for typist, width in ((ada, 1280), (cyd, 375)):
        page = typist.page
        expect(page.locator("[data-coedit-presence]")).to_contain_text("In this draft:")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("[data-coedit-body]").scroll_into_view_if_needed()
        shot = screenshot(page, f"coediting-cursors-{width}")
        assert shot.stat().st_size > 10_000


def test_the_name_of_a_caret_on_the_first_line_is_seen(asgi_servers, new_context, shared_section):
    """Ben types at the end of the first line, Cyd on the last: Ada sees both names (nothing
    clips or covers them), not only a box Playwright counts as visible."""
    section, people = shared_section
    server = asgi_servers()
    ada, ben, cyd = typists = open_typists(section, people, [server], new_context)
    for typist in typists:
        typist.page.keyboard.type("Go ")
    for other in (ben, cyd):
        label = ada.page.locator(".cm-ySelectionInfo", has_text=other.user.get_full_name())
        expect(label).to_be_visible()
        assert label.evaluate(SEEN), f"{other.name}'s name is hidden in Ada's editor"
