"""The y-websocket wire format (lib0 encoding), read strictly: every client message is parsed
here before anything acts on it, and anything that does not parse is refused (close 4400).

A message is a varuint type, then: sync (0) a varuint sub-type (step 1: a state vector, step 2
or update: a Yjs update, each as a varuint-length buffer); awareness (1) one buffer holding
[count, then per client: id, clock, JSON state]; query-awareness (3) nothing. The server adds
ACK (100: a varuint count) and CONTROL (101: a JSON string)."""

import json
from dataclasses import dataclass

SYNC, AWARENESS, QUERY_AWARENESS = 0, 1, 3
ACK, CONTROL = 100, 101
STEP1, STEP2, UPDATE = 0, 1, 2
EMPTY_UPDATE = b"\x00\x00"  # a Yjs update with no change (the usual step 2 of a fresh client)
MAX_AWARENESS_CLIENTS = 8  # a browser announces its own state: one entry, rarely more


class Malformed(ValueError):
    """Not a message of the protocol; the text says what was wrong, for the close reason."""


class Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def uint(self) -> int:
        value, shift = 0, 0
        while True:
            if self.pos >= len(self.data):
                raise Malformed("truncated number")
            byte = self.data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            if shift > 53:  # lib0 numbers are JavaScript integers
                raise Malformed("number too large")

    def buffer(self) -> bytes:
        length = self.uint()
        if length > len(self.data) - self.pos:
            raise Malformed("truncated buffer")
        start, self.pos = self.pos, self.pos + length
        return self.data[start : self.pos]

    def string(self) -> str:
        try:
            return self.buffer().decode("utf-8")
        except UnicodeDecodeError as error:
            raise Malformed("text that is not UTF-8") from error

    def end(self) -> None:
        if self.pos != len(self.data):
            raise Malformed("trailing bytes")


def uint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def buffer(data: bytes) -> bytes:
    return uint(len(data)) + data


def string(text: str) -> bytes:
    return buffer(text.encode("utf-8"))


@dataclass(frozen=True)
class Message:
    kind: str  # "step1" | "step2" | "update" | "awareness" | "query-awareness"
    payload: bytes = b""


SYNC_KINDS = {STEP1: "step1", STEP2: "step2", UPDATE: "update"}


def parse(data: bytes) -> Message:
    """The one message in a client's WebSocket frame; Malformed if it is not exactly one."""
    reader = Reader(data)
    kind = reader.uint()
    if kind == SYNC:
        sub = reader.uint()
        if sub not in SYNC_KINDS:
            raise Malformed(f"unknown sync message {sub}")
        message = Message(SYNC_KINDS[sub], reader.buffer())
    elif kind == AWARENESS:
        message = Message("awareness", reader.buffer())
    elif kind == QUERY_AWARENESS:
        message = Message("query-awareness")
    else:
        raise Malformed(f"unknown message type {kind}")
    reader.end()
    return message


@dataclass(frozen=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state: str  # JSON, "null" once the client is gone

    @property
    def gone(self) -> bool:
        return self.state == "null"


def parse_awareness(payload: bytes) -> list[AwarenessEntry]:
    reader = Reader(payload)
    count = reader.uint()
    if count > MAX_AWARENESS_CLIENTS:
        raise Malformed("too many awareness states")
    entries = [AwarenessEntry(reader.uint(), reader.uint(), reader.string()) for _ in range(count)]
    reader.end()
    for entry in entries:
        try:
            state = json.loads(entry.state)
        except ValueError as error:
            raise Malformed("awareness state that is not JSON") from error
        if state is not None and not isinstance(state, dict):
            raise Malformed("awareness state that is not an object")
    return entries


def awareness_payload(entries: list[AwarenessEntry]) -> bytes:
    parts = [uint(len(entries))]
    for entry in entries:
        parts += [uint(entry.client_id), uint(entry.clock), string(entry.state)]
    return b"".join(parts)


def step1(state_vector: bytes) -> bytes:
    return uint(SYNC) + uint(STEP1) + buffer(state_vector)


def step2(update: bytes) -> bytes:
    return uint(SYNC) + uint(STEP2) + buffer(update)


def update(data: bytes) -> bytes:
    return uint(SYNC) + uint(UPDATE) + buffer(data)


def awareness(payload: bytes) -> bytes:
    return uint(AWARENESS) + buffer(payload)


def ack(count: int) -> bytes:
    return uint(ACK) + uint(count)


def control(event: dict) -> bytes:
    return uint(CONTROL) + string(json.dumps(event, separators=(",", ":")))
