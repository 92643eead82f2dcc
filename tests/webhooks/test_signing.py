"""The signature, checked with the receiver code of docs/webhooks.md: any body and any secret
verify; any changed byte, another secret, or a timestamp outside the tolerance does not."""

from hypothesis import assume, given
from hypothesis import strategies as st

from planhub.webhooks.signing import signature

from .conftest import docs_receiver

RECEIVER = docs_receiver()
verify, TOLERANCE = RECEIVER["verify"], RECEIVER["TOLERANCE"]

bodies = st.binary(min_size=1, max_size=2000)
secrets = st.text(min_size=1, max_size=80)
timestamps = st.integers(min_value=1_000_000_000, max_value=4_000_000_000)


@given(body=bodies, secret=secrets, timestamp=timestamps, skew=st.integers(-TOLERANCE, TOLERANCE))
def test_the_documented_check_accepts_every_signed_delivery(body, secret, timestamp, skew):
    signed = signature(secret, timestamp, body)
    assert signed.startswith("sha256=") and len(signed) == 7 + 64
    assert verify(secret.encode(), str(timestamp), signed, body, now=timestamp + skew)


@given(body=bodies, secret=secrets, timestamp=timestamps, data=st.data())
def test_any_changed_byte_is_refused(body, secret, timestamp, data):
    signed = signature(secret, timestamp, body)
    index = data.draw(st.integers(0, len(body) - 1))
    flip = data.draw(st.integers(1, 255))
    changed = body[:index] + bytes([body[index] ^ flip]) + body[index + 1 :]
    assert not verify(secret.encode(), str(timestamp), signed, changed, now=timestamp)
    # Nor a body cut short or made longer.
    assert not verify(secret.encode(), str(timestamp), signed, body[:-1], now=timestamp)
    assert not verify(secret.encode(), str(timestamp), signed, body + b" ", now=timestamp)


@given(body=bodies, secret=secrets, other=secrets, timestamp=timestamps)
def test_another_secret_is_refused(body, secret, other, timestamp):
    assume(other != secret)
    signed = signature(other, timestamp, body)
    assert not verify(secret.encode(), str(timestamp), signed, body, now=timestamp)


@given(
    body=bodies,
    secret=secrets,
    timestamp=timestamps,
    age=st.integers(TOLERANCE + 1, 10**7),
    sign=st.sampled_from([1, -1]),
)
def test_an_old_or_future_timestamp_is_refused(body, secret, timestamp, age, sign):
    """A recorded delivery replayed later (or a clock far ahead) is refused."""
    signed = signature(secret, timestamp, body)
    assert not verify(secret.encode(), str(timestamp), signed, body, now=timestamp + sign * age)


@given(body=bodies, secret=secrets, timestamp=timestamps, shift=st.integers(1, 1000))
def test_the_timestamp_is_signed_with_the_body(body, secret, timestamp, shift):
    """A replay with a fresh timestamp header but the old signature is refused."""
    signed = signature(secret, timestamp, body)
    fresh = timestamp + shift
    assert not verify(secret.encode(), str(fresh), signed, body, now=fresh)


def test_a_malformed_timestamp_is_refused():
    signed = signature("s" * 20, 1_700_000_000, b"{}")
    for bad in ["", "abc", "1.7e9", "-1700000000", "١٧٠٠٠٠٠٠٠٠"]:
        assert not verify(b"s" * 20, bad, signed, b"{}", now=1_700_000_000)
