"""A program-installed clock stamps every span kind (model call, tool, agent) exactly."""

from __future__ import annotations

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import instrument
from instrument.clock import now_ns, use_clock
from sample_data.mock import MockAnthropic, Reply

T0 = 1_700_000_000_000_000_000  # a fixed instant, in ns


class StepClock:
    """Advances one second per reading, so each stamp is predictable."""

    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> int:
        self.t += 1_000_000_000
        return self.t


def test_spans_take_their_times_from_the_installed_clock() -> None:
    exporter = InMemorySpanExporter()
    instrument.patch(exporter=exporter, capture_content="none", raise_internal_errors=True)
    try:
        with use_clock(StepClock()), instrument.agent("support"):  # start T0+1s
            with instrument.tool_span("lookup"):  # start T0+2s, end T0+3s
                pass
            MockAnthropic().queue(Reply.text("ok")).client().messages.create(
                model="claude-haiku-4-5", max_tokens=5,
                messages=[{"role": "user", "content": "hi"}],
            )  # fmt: skip  # start T0+4s, end T0+5s
            # agent ends at T0+6s
        assert instrument.flush(timeout=10)
    finally:
        instrument.unpatch()
    times = {s.name: (s.start_time - T0, s.end_time - T0) for s in exporter.get_finished_spans()}
    second = 1_000_000_000
    assert times == {
        "invoke_agent support": (1 * second, 6 * second),
        "execute_tool lookup": (2 * second, 3 * second),
        "chat claude-haiku-4-5": (4 * second, 5 * second),
    }


def test_real_time_returns_after_the_block() -> None:
    with use_clock(lambda: 42):
        assert now_ns() == 42
    assert now_ns() > T0
