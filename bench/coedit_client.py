"""A co-editing client for benchmarks and tests: one editor on one section's draft, speaking
the draft WebSocket's protocol (y-websocket framing, planhub/coediting's ACK and CONTROL) with a
pycrdt document, as the browser does with Yjs. It types, and records when each keystroke it
typed left it, when it was acknowledged (stored), and when each peer's keystroke arrived.

How arrivals are timed: a keystroke is one Yjs item of the typist's client id, so the clock of
that client in a peer's state vector says how many of its items the peer holds. The typist
notes the clock each keystroke reached and when; a peer notes when its state vector first
covers it. Every client runs in one process (one clock)."""

import asyncio
import json
import time
from dataclasses import dataclass, field

from pycrdt import (
    Decoder,
    Doc,
    Text,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)
from websockets.asyncio.client import connect

ACK, CONTROL = 100, 101
MAX_MESSAGE = 8 * 2**20


def state_vector(doc: Doc) -> dict[int, int]:
    """client id -> clock: how many items of each client the doc has integrated."""
    decoder = Decoder(doc.get_state())
    return {
        decoder.read_var_uint(): decoder.read_var_uint() for _ in range(decoder.read_var_uint())
    }


@dataclass
class Typed:
    """What one editor typed: its client id, the clock after each keystroke and when."""

    client_id: int
    sent_at: dict[int, float] = field(default_factory=dict)  # clock after the keystroke -> time
    text: str = ""  # its keystrokes, in order, all typed at the end of its own line


@dataclass
class Outcome:
    """What one editor saw."""

    latencies: list[float] = field(default_factory=list)  # peers' keystrokes, insert to arrival
    ack_latencies: list[float] = field(default_factory=list)  # own keystrokes, insert to ACK
    hello: dict = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)  # CONTROL messages after hello
    closed: str = ""  # the close code and reason, when the server closed the connection
    errors: list[str] = field(default_factory=list)


class Editor:
    """One person in a draft. `marker` starts their own line, which only they type into (at
    its end), so what they typed can be found again in any copy of the text."""

    def __init__(self, url: str, origin: str, cookie: str, marker: str, typed_by: dict):
        self.url = url
        self.origin = origin
        self.cookie = cookie
        self.marker = marker
        self.doc = Doc()
        self.body = self.doc.get("body", type=Text)
        self.heading = self.doc.get("heading", type=Text)
        self.typed = Typed(self.doc.client_id)
        self.typed_by = typed_by  # client id -> Typed, shared by every editor of the run
        typed_by[self.doc.client_id] = self.typed
        self.outcome = Outcome()
        self.seen: dict[int, int] = {}  # our copy's state vector after the last message
        self.sent = 0  # update-carrying messages sent (sync step2, sync update)
        self.acked = 0
        self.ack_waiting: list[tuple[int, float]] = []  # (message number, time of a keystroke)
        self.synced = asyncio.Event()
        self.hello = asyncio.Event()
        self.websocket = None

    # --- the connection --------------------------------------------------------------------

    async def connect(self) -> None:
        self.websocket = await connect(
            self.url,
            origin=self.origin,
            additional_headers={"Cookie": self.cookie},
            max_size=MAX_MESSAGE,
            compression=None,
            open_timeout=30,
            ping_interval=None,
        )
        await self.websocket.send(create_sync_message(self.doc))
        self.receiving = asyncio.create_task(self.receive())

    async def receive(self) -> None:
        try:
            async for message in self.websocket:
                if isinstance(message, bytes):
                    await self.handle(message)
        except Exception as error:  # noqa: BLE001 - reported with the outcome
            self.outcome.errors.append(f"{type(error).__name__}: {error}")
        finally:
            close = self.websocket.close_code
            if close not in (None, 1000):
                self.outcome.closed = f"{close} {self.websocket.close_reason}".strip()
            self.hello.set()
            self.synced.set()

    async def handle(self, message: bytes) -> None:
        kind = message[0]
        if kind == YMessageType.SYNC:
            reply = handle_sync_message(message[1:], self.doc)
            if reply is not None:  # their step1: our step2 carries what they miss
                await self.send_update_message(reply)
            elif message[1] in (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
                self.arrived()
                if message[1] == YSyncMessageType.SYNC_STEP2:
                    self.synced.set()
        elif kind == ACK:
            self.acked = Decoder(message[1:]).read_var_uint()
            now = time.perf_counter()
            while self.ack_waiting and self.ack_waiting[0][0] <= self.acked:
                self.outcome.ack_latencies.append(now - self.ack_waiting.pop(0)[1])
        elif kind == CONTROL:
            event = json.loads(Decoder(message[1:]).read_var_string())
            if event.get("type") == "hello":
                self.outcome.hello = event
                self.hello.set()
            else:
                self.outcome.events.append(event)

    def arrived(self) -> None:
        """Times the peers' keystrokes that this message brought into our copy."""
        now = time.perf_counter()
        vector = state_vector(self.doc)
        for client, clock in vector.items():
            before = self.seen.get(client, 0)
            if clock <= before or client == self.doc.client_id:
                continue
            typed = self.typed_by.get(client)
            if typed is not None:
                for tick in range(before + 1, clock + 1):
                    sent = typed.sent_at.get(tick)
                    if sent is not None:
                        self.outcome.latencies.append(now - sent)
        self.seen = vector

    async def send_update_message(self, message: bytes) -> None:
        self.sent += 1
        await self.websocket.send(message)

    async def close(self) -> None:
        if self.websocket is not None:
            await self.websocket.close()
            await self.receiving

    # --- typing ----------------------------------------------------------------------------

    async def start_line(self) -> None:
        """Our own line, at the end of the text. Every editor starts theirs before anyone types:
        a keystroke at the end of the last line and a new line appended at the same moment
        have the same left neighbour, and Yjs may then put the keystroke after the new line."""
        await self.edit(lambda text: (len(text.encode()), f"\n{self.marker}"))

    async def type(self, character: str) -> None:
        """One keystroke at the end of our own line."""

        def end_of_line(text: str) -> tuple[int, str]:
            end = text.index(self.marker) + len(self.marker) + len(self.typed.text)
            return len(text[:end].encode()), character  # pycrdt counts UTF-8 bytes

        now = await self.edit(end_of_line)
        self.typed.text += character
        self.typed.sent_at[self.seen[self.doc.client_id]] = now
        self.ack_waiting.append((self.sent, now))

    async def edit(self, where) -> float:
        """Insert `where(text)` = (position, string) into the body and send the update."""
        before = self.doc.get_state()
        with self.doc.transaction():
            position, string = where(str(self.body))
            self.body.insert(position, string)
        now = time.perf_counter()
        self.seen = state_vector(self.doc)
        await self.send_update_message(create_update_message(self.doc.get_update(before)))
        return now

    @property
    def pending(self) -> int:
        return self.sent - self.acked


def own_line(text: str, marker: str) -> str:
    """What follows `marker` up to the end of its line ("" when the marker is missing)."""
    start = text.find(marker)
    if start < 0:
        return ""
    start += len(marker)
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)]


def lost(typed: str, found: str) -> int:
    """Typed characters missing from `found` (matched in order)."""
    matched, position = 0, 0
    for character in typed:
        index = found.find(character, position)
        if index >= 0:
            matched += 1
            position = index + 1
    return len(typed) - matched


def lost_in(text: str, editors: list["Editor"]) -> int:
    return sum(lost(e.typed.text, own_line(text, e.marker)) for e in editors)


def keystrokes(seconds: float, per_second: float, seed: int) -> str:
    """Letters and spaces, like typing."""
    count = max(1, round(seconds * per_second))
    words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
    return "".join(words[(seed * 7 + i) % len(words)] for i in range(count))


async def settle(editors: list[Editor], timeout: float) -> bool:
    """Until every keystroke is acknowledged and every copy holds every keystroke."""
    deadline = time.perf_counter() + timeout
    want = {e.typed.client_id: state_vector(e.doc).get(e.typed.client_id, 0) for e in editors}
    while time.perf_counter() < deadline:
        done = all(e.pending <= 0 for e in editors if not e.outcome.closed)
        if done:
            done = all(
                state_vector(e.doc).get(client, 0) >= clock
                for e in editors
                if not e.outcome.closed
                for client, clock in want.items()
            )
        if done:
            return True
        await asyncio.sleep(0.05)
    return False
