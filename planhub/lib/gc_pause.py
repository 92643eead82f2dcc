"""Python's cycle collector paused around work that builds a large, long-lived object graph.

WeasyPrint laying out a PDF builds hundreds of thousands of long-lived boxes, so the collector
keeps starting full collections over an ever larger heap: on the 100-section plan that was a
quarter of the rendering time (4.6 s → 3.3 s without it). Kept free of Django so that
bench/pdf_engines.py renders exactly as the app does.
"""

import gc
import threading
from contextlib import contextmanager

_pauses = 0
_pause_lock = threading.Lock()
_gc_was_enabled = True
_collection_owed = False


@contextmanager
def garbage_collection_paused():
    """Python's cycle collector off for the duration (see the module's docstring).

    Most of the objects made meanwhile are freed by reference counting anyway; the cycles left
    are collected once after the response (collect_owed_garbage, connected to request_finished
    by the exports app), or by the next automatic collection. Pauses nest and may overlap
    across threads; the collector comes back when the last one ends, unless it was off before.
    """
    global _pauses, _gc_was_enabled, _collection_owed
    with _pause_lock:
        if _pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _gc_was_enabled:
                gc.enable()
                _collection_owed = True


def collect_owed_garbage(**kwargs) -> None:
    """Collect what a pause left uncollected, once the response has been sent."""
    global _collection_owed
    if _collection_owed and _pauses == 0:
        _collection_owed = False
        gc.collect()
