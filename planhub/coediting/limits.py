"""Bounds on what one WebSocket connection may ask of the server."""

import time
from collections.abc import Callable

MAX_MESSAGE_BYTES = 512 * 1024  # a paste of a long section fits; more closes with 4413
MAX_AWARENESS_STATE = 16 * 1024  # a cursor and a name; more is refused
RATE_PER_SECOND = 60  # a fast typist sends ~10 updates a second, awareness as many again
BURST = 200  # a reconnecting client replays what it kept offline at once


class TokenBucket:
    """`rate` messages a second on average, up to `burst` at once; `take` says whether one more
    may pass now."""

    def __init__(
        self,
        rate: float = RATE_PER_SECOND,
        burst: int = BURST,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.at = float(burst), clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
