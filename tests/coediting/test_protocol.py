"""The wire format (planhub/coediting/protocol.py): whatever bytes arrive, parsing either
gives a message or refuses with Malformed (never another exception, never a partial read)."""

import pycrdt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planhub.coediting import protocol
from planhub.coediting.protocol import AwarenessEntry, Malformed


@given(st.binary(max_size=200))
def test_any_bytes_parse_or_are_refused_as_malformed(data):
    try:
        message = protocol.parse(data)
    except Malformed:
        return
    assert message.kind in {"step1", "step2", "update", "awareness", "query-awareness"}


@given(st.binary(max_size=100))
def test_any_awareness_payload_parses_or_is_refused(data):
    try:
        entries = protocol.parse_awareness(data)
    except Malformed:
        return
    assert len(entries) <= protocol.MAX_AWARENESS_CLIENTS


@given(st.integers(min_value=0, max_value=2**53 - 1))
def test_numbers_round_trip(number):
    reader = protocol.Reader(protocol.uint(number))
    assert reader.uint() == number
    reader.end()


@given(st.text(max_size=50), st.integers(0, 2**32), st.integers(0, 2**20))
def test_awareness_round_trips(name, client_id, clock):
    import json

    entry = AwarenessEntry(client_id, clock, json.dumps({"user": {"name": name}}))
    assert protocol.parse_awareness(protocol.awareness_payload([entry])) == [entry]


def test_sync_messages_match_pycrdt():
    doc = pycrdt.Doc()
    doc["body"] = pycrdt.Text("hello")
    assert protocol.step1(doc.get_state()) == pycrdt.create_sync_message(doc)
    update = doc.get_update()
    assert protocol.update(update) == pycrdt.create_update_message(update)
    assert protocol.parse(protocol.step2(update)) == protocol.Message("step2", update)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "truncated number"),
        (b"\x00\x05\x00", "unknown sync message 5"),
        (b"\x07", "unknown message type 7"),
        (b"\x00\x02\x09abc", "truncated buffer"),
        (b"\x00\x00\x01\x00\x00", "trailing bytes"),
        (b"\x80" * 9, "number too large"),
    ],
)
def test_what_is_refused_says_why(data, reason):
    with pytest.raises(Malformed, match=reason):
        protocol.parse(data)


def test_awareness_states_must_be_json_objects():
    for state in ["[1]", "not json", '"text"']:
        payload = protocol.awareness_payload([AwarenessEntry(1, 1, state)])
        with pytest.raises(Malformed):
            protocol.parse_awareness(payload)
    gone = protocol.awareness_payload([AwarenessEntry(1, 2, "null")])
    assert protocol.parse_awareness(gone)[0].gone
