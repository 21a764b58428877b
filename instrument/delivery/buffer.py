"""The bounded hand-off between `export()` (any thread) and the spool writer thread.

`offer()` never blocks: what does not fit is dropped and counted on the spot, so a stuck
disk or a flood of spans costs the caller nothing but a counter increment.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Sequence
from typing import Generic, TypeVar

__all__ = ["SpanBuffer"]

T = TypeVar("T")


class SpanBuffer(Generic[T]):
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.dropped = 0  # spans refused because the buffer was full, since start
        self.accepted = 0  # spans ever accepted; flush() waits for `done` to reach it
        self.done = 0  # spans the writer has finished with (on disk, or failed and counted)
        self._items: deque[T] = deque()
        self._cond = threading.Condition()
        self._urgent = False
        self._closed = False

    def offer(self, items: Sequence[T]) -> int:
        """Queue as many as fit; returns how many were dropped."""
        with self._cond:
            room = max(self.capacity - len(self._items), 0)
            taken = items[:room]
            dropped = len(items) - len(taken)
            self.dropped += dropped  # counted before the writer can see the accepted ones
            self.accepted += len(taken)
            self._items.extend(taken)
            if taken:
                self._cond.notify_all()
        return dropped

    def take(self, max_items: int, linger_s: float) -> list[T]:
        """Block until something is queued, then wait up to `linger_s` (cut short by a full
        batch, `hurry()` or `close()`) and return up to `max_items`. [] once closed and empty."""
        with self._cond:
            self._cond.wait_for(lambda: self._items or self._closed)
            deadline = time.monotonic() + linger_s
            while len(self._items) < max_items and not (self._urgent or self._closed):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            batch = [self._items.popleft() for _ in range(min(max_items, len(self._items)))]
            if not self._items:
                self._urgent = False
            return batch

    def finished(self, count: int) -> None:
        with self._cond:
            self.done += count
            self._cond.notify_all()

    def hurry(self) -> None:
        """Write what is queued now, without lingering (used by flush)."""
        with self._cond:
            self._urgent = True
            self._cond.notify_all()

    def wait_done(self, target: int, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.done >= target, timeout)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)
