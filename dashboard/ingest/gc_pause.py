"""Python's cyclic garbage collector paused while an upload is read, checked and stored.

A 100,000-row sheet is over a million live objects (calamine's cells and their row lists), and every few
hundred new objects (each typed value, each row) the collector walks the young ones, and now and then all of
them: a quarter of the time of a large upload went to walks that find nothing, as nothing on the upload's
way makes a reference cycle (memory is freed by reference counting as ever). The pause is counted, so that
two uploads in two threads of the app resume collection only once both are done.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (as it was before, once every block is done)."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
