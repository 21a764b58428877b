"""The wall clock spans are stamped with: real time, unless a program installs its own.

The sample-data generator replays a week of agent traffic in seconds by installing a
simulated clock; tests use one for exact timestamps. One module-level function, so the
caller's thread pays a single global lookup.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["now_ns", "use_clock"]

_now: Callable[[], int] = time.time_ns


def now_ns() -> int:
    return _now()


@contextmanager
def use_clock(clock: Callable[[], int]) -> Iterator[None]:
    """Stamp spans with `clock()` (nanoseconds since the epoch) inside the block."""
    global _now
    previous, _now = _now, clock
    try:
        yield
    finally:
        _now = previous
