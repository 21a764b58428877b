"""Simulated time for replaying a week of agent traffic in seconds.

`SimClock` is installed with `instrument.clock.use_clock`; `SimAnthropic` is the mock API whose
scripted outcomes carry a latency that advances the clock when the request is answered, so
spans get realistic durations while the generator runs at full speed.
"""

from __future__ import annotations

from typing import Any

from sample_data.mock import MockAnthropic
from sample_data.mock.anthropic_api import Outcome

MS = 1_000_000


class SimClock:
    """Nanoseconds since the epoch; every reading advances `tick_ms` (stream chunks get spacing)."""

    def __init__(self, start_ns: int, tick_ms: float = 12.0) -> None:
        self.t = start_ns
        self.tick = int(tick_ms * MS)

    def __call__(self) -> int:
        self.t += self.tick
        return self.t

    def set(self, t_ns: int) -> None:
        self.t = t_ns

    def advance_ms(self, ms: float) -> None:
        self.t += int(ms * MS)


class SimAnthropic(MockAnthropic):
    """The mock API; each scripted outcome advances the simulated clock by its latency."""

    def __init__(self, clock: SimClock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self._latencies: dict[int, float] = {}

    def script(self, outcome: Outcome, latency_ms: float) -> None:
        self._latencies[id(outcome)] = latency_ms
        self.queue(outcome)

    def reset(self) -> None:
        """Forget outcomes left over by a call that failed before consuming its script
        (a 401 is not retried; a storm can outlast the retries)."""
        with self._lock:
            self._queues.clear()
            self._latencies.clear()

    def _next(self, route: str) -> Outcome | None:
        outcome = super()._next(route)
        if outcome is not None:
            self.clock.advance_ms(self._latencies.pop(id(outcome), 0.0))
        return outcome
