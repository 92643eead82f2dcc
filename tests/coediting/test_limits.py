"""The message rate limit (planhub/coediting/limits.py)."""

from hypothesis import given
from hypothesis import strategies as st

from planhub.coediting.limits import TokenBucket


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@given(st.lists(st.floats(min_value=0, max_value=0.5), min_size=1, max_size=300))
def test_never_more_than_the_burst_plus_the_rate_over_time(gaps):
    clock = Clock()
    bucket = TokenBucket(rate=60, burst=200, clock=clock)
    passed = 0
    for gap in gaps:
        clock.now += gap
        passed += bucket.take()
    assert passed <= 200 + 60 * clock.now + 1e-6


def test_a_steady_typist_is_never_refused():
    clock = Clock()
    bucket = TokenBucket(rate=60, burst=200, clock=clock)
    for _ in range(10_000):  # 50 messages a second for 200 s
        clock.now += 0.02
        assert bucket.take()


def test_a_flood_is_refused_after_the_burst_then_recovers():
    clock = Clock()
    bucket = TokenBucket(rate=60, burst=200, clock=clock)
    assert sum(bucket.take() for _ in range(500)) == 200
    clock.now += 1
    assert sum(bucket.take() for _ in range(500)) == 60
