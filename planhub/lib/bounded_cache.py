"""Django's local-memory cache, bounded in bytes instead of in entries.

LocMemCache counts entries: 5,000 rendered fragments of a 2 MB section are 10 GB. This one
counts the bytes it holds (the pickled value and the key) and drops the least recently used
entries once the total passes `OPTIONS["MAX_BYTES"]`. A value larger than a quarter of the bound
is not kept at all: caching it would push out everything else for one entry.
"""

import pickle
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

ENTRY_OVERHEAD = 200  # the dict slots, expiry entry and bytes objects around each value
_sizes: dict[str, dict[str, int]] = {}
_totals: dict[str, list[int]] = {}


class BoundedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self.max_bytes = int(options.get("MAX_BYTES", 64 * 1024 * 1024))
        self.max_entry_bytes = self.max_bytes // 4
        self._sizes = _sizes.setdefault(name, {})
        self._total = _totals.setdefault(name, [0])  # a list: shared and mutable per name

    @property
    def total_bytes(self) -> int:
        return self._total[0]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        pickled = pickle.dumps(value, self.pickle_protocol)
        with self._lock:
            if len(pickled) > self.max_entry_bytes:
                self._delete(key)  # an older, smaller value must not outlive this one
                return
            self._set(key, pickled, timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        pickled = pickle.dumps(value, self.pickle_protocol)
        with self._lock:
            if len(pickled) > self.max_entry_bytes:
                return False
            if self._has_expired(key):
                self._set(key, pickled, timeout)
                return True
            return False

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self._delete(key)
        size = len(value) + len(key) + ENTRY_OVERHEAD
        self._cache[key] = value
        self._cache.move_to_end(key, last=False)
        self._expire_info[key] = self.get_backend_timeout(timeout)
        self._sizes[key] = size
        self._total[0] += size
        self._evict()

    def incr(self, key, delta=1, version=None):
        value = super().incr(key, delta, version)
        self.set(key, value, version=version)  # re-measured: the new value may be larger
        return value

    def _evict(self) -> None:
        """Drop expired entries, then the least recently used, until under the bound."""
        if self._total[0] <= self.max_bytes:
            return
        now = time.time()
        for key in [k for k, expiry in self._expire_info.items() if expiry and expiry <= now]:
            self._delete(key)
        while self._total[0] > self.max_bytes and self._cache:
            key = next(reversed(self._cache))  # the least recently used is last
            self._delete(key)

    def _cull(self):
        self._evict()

    def _delete(self, key):
        deleted = super()._delete(key)
        if deleted:
            self._total[0] -= self._sizes.pop(key, 0)
        return deleted

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes.clear()
            self._total[0] = 0
