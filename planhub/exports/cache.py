"""Rendered PDFs, kept in a cache directory shared by the processes of one host.

The first request for a document renders it while holding a lock for its key; requests that
arrive meanwhile wait for that lock and then read the file instead of rendering it again.
"""

import fcntl
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import caches

CACHE_ALIAS = "pdf"
LOCK_STRIPES = 64
LOCK_WAIT_SECONDS = 120  # longer than any rendering; after it, render anyway


def cached_pdf(key: str, render: Callable[[], bytes]) -> bytes:
    cache = caches[CACHE_ALIAS]
    pdf = cache.get(key)
    if pdf is not None:
        return pdf
    with render_lock(key):
        pdf = cache.get(key)  # rendered by another request while this one waited
        if pdf is None:
            pdf = render()
            cache.set(key, pdf)
    return pdf


@contextmanager
def render_lock(key: str):
    """An exclusive lock per key (striped over a few files) across this host's processes."""
    directory = Path(settings.CACHES[CACHE_ALIAS]["LOCATION"]) / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{int(key[:8], 16) % LOCK_STRIPES}.lock"
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        locked = False
        while not locked and time.monotonic() < deadline:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = True
            except BlockingIOError:
                time.sleep(0.05)
        try:
            yield
        finally:
            if locked:
                fcntl.flock(handle, fcntl.LOCK_UN)
