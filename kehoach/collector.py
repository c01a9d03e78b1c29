"""The cyclic garbage collector paused while bulk work builds many short-lived objects.

Shared by the layers that read or write thousands of rows at once (the status read, the
outbox's enqueue and composing): building ~10 small tuples a row triggers the collector
over and over while creating no cycles at all.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pausing it halves the time of a 100k-step status read, and of a morning's composing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        _promote_young()
        if was_enabled:
            gc.enable()


def _promote_young() -> None:
    """Move what the read built to the oldest generation without traversing it.

    Re-enabled, the collector would first traverse every status just built (none is in a
    cycle; ~2 µs a step). Freezing then unfreezing moves the young generations to the
    oldest in constant time; a status list that dies soon, as most do, is then freed by
    reference counting and never traversed. Left alone when the process froze objects
    itself (a pre-fork server): unfreezing would release them.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
