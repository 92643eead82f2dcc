"""A browser stand-in for the draft WebSocket: a pycrdt doc speaking the protocol through
channels.testing.WebsocketCommunicator, against planhub.asgi (Origin check and session auth
included)."""

import json

import pycrdt
from django.test import Client

from planhub.coediting import protocol
from tests.websockets import WebsocketCommunicator

ORIGIN = b"http://localhost"


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def application():
    from planhub.asgi import application

    return application


class Peer:
    def __init__(self, path: str, cookie: bytes | None = None, origin: bytes = ORIGIN):
        headers = [(b"origin", origin)]
        if cookie:
            headers.append((b"cookie", cookie))
        self.ws = WebsocketCommunicator(application(), path, headers)
        self.doc = pycrdt.Doc()
        self.sent = 0  # update-carrying messages sent
        self.acked = 0
        self.controls: list[dict] = []
        self.awareness: list[list[protocol.AwarenessEntry]] = []
        self.closed: int | None = None

    async def connect(self) -> bool:
        connected, _ = await self.ws.connect()
        return connected

    async def receive(self, timeout: float = 10):
        """The next message, decoded: ("control", dict), ("ack", n), ("step1"|"step2"|"update",
        bytes), ("awareness", entries) or ("close", code)."""
        output = await self.ws.receive_output(timeout)
        if output["type"] == "websocket.close":
            self.closed = output.get("code", 1000)
            return "close", self.closed
        data = output["bytes"]
        reader = protocol.Reader(data)
        kind = reader.uint()
        if kind == protocol.CONTROL:
            event = json.loads(reader.string())
            self.controls.append(event)
            return "control", event
        if kind == protocol.ACK:
            self.acked = reader.uint()
            return "ack", self.acked
        if kind == protocol.AWARENESS:
            entries = protocol.parse_awareness(reader.buffer())
            self.awareness.append(entries)
            return "awareness", entries
        sub = reader.uint()
        payload = reader.buffer()
        if sub == protocol.STEP1:
            return "step1", payload
        self.doc.apply_update(payload)
        return ("step2" if sub == protocol.STEP2 else "update"), payload

    async def until(self, kind: str, timeout: float = 10):
        while True:
            got, value = await self.receive(timeout)
            if got == kind:
                return value
            if got == "close":
                raise AssertionError(f"closed with {value} while waiting for {kind}")

    async def closed_with(self, timeout: float = 10) -> int:
        while True:
            got, value = await self.receive(timeout)
            if got == "close":
                return value

    async def join(self) -> dict:
        """Connect and sync as y-websocket does; the hello."""
        assert await self.connect()
        hello = await self.until("control")
        server_state = await self.until("step1")
        await self.send_update(self.doc.get_update(server_state), step2=True)
        await self.ws.send_to(bytes_data=protocol.step1(self.doc.get_state()))
        await self.until("step2")
        return hello

    async def send_update(self, update: bytes, step2: bool = False) -> None:
        self.sent += 1
        message = protocol.step2(update) if step2 else protocol.update(update)
        await self.ws.send_to(bytes_data=message)

    async def type(self, text: str, at: int | None = None, root: str = "body") -> bytes:
        """Insert `text` (at the end by default) and send the update; the update."""
        body = self.doc.get(root, type=pycrdt.Text)
        before = self.doc.get_state()
        body.insert(len(body) if at is None else at, text)
        update = self.doc.get_update(before)
        await self.send_update(update)
        return update

    async def acknowledged(self, timeout: float = 10) -> int:
        """Wait until every update sent is acknowledged."""
        while self.acked < self.sent:
            await self.until("ack", timeout)
        return self.acked

    def text(self, root: str = "body") -> str:
        return str(self.doc.get(root, type=pycrdt.Text))

    async def send_awareness(self, client_id: int, clock: int, state) -> None:
        entry = protocol.AwarenessEntry(client_id, clock, json.dumps(state))
        payload = protocol.awareness_payload([entry])
        await self.ws.send_to(bytes_data=protocol.awareness(payload))

    async def nothing(self, timeout: float = 0.3) -> bool:
        return await self.ws.receive_nothing(timeout)

    async def leave(self) -> None:
        await self.ws.disconnect()
