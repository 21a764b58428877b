"""Fixtures: an active patch() with spans caught in memory and a stand-in redactor.

The stand-in redacts e-mail addresses with a regex: instrument tests check the hook (what goes
through it, what comes back, the counts), not the real redactor, which has its own tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.util._once import Once

import instrument
from sample_data.mock import MockAnthropic

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
USER = [{"role": "user", "content": "hello"}]


@dataclass(frozen=True)
class RedactionResult:  # the agreed interface: .text and .entities
    text: str
    entities: dict[str, int]


class EmailRedactor:
    """Replaces e-mail addresses with <EMAIL_ADDRESS>; records every batch it was given."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def redact_many(self, texts: list[str]) -> list[RedactionResult]:
        self.batches.append(list(texts))
        out = []
        for text in texts:
            found = len(EMAIL.findall(text))
            out.append(
                RedactionResult(
                    EMAIL.sub("<EMAIL_ADDRESS>", text), {"EMAIL_ADDRESS": found} if found else {}
                )
            )
        return out


@dataclass
class Traced:
    exporter: InMemorySpanExporter
    redactor: EmailRedactor
    mock: MockAnthropic

    def spans(self) -> list[Any]:
        assert instrument.flush(timeout=10)
        return list(self.exporter.get_finished_spans())

    def only(self, operation: str | None = None) -> Any:
        """The one span (of `operation`); fails when there is not exactly one."""
        spans = [
            s
            for s in self.spans()
            if operation is None or s.attributes.get("gen_ai.operation.name") == operation
        ]
        assert len(spans) == 1, [s.name for s in spans]
        return spans[0]


def reset_global_tracer_provider() -> None:
    # the OTel API allows one global provider per process; tests need a fresh slot each
    trace._TRACER_PROVIDER_SET_ONCE = Once()
    trace._TRACER_PROVIDER = None


@pytest.fixture
def traced(request: pytest.FixtureRequest) -> Iterator[Traced]:
    options = getattr(request, "param", {}) or {}
    exporter, redactor = InMemorySpanExporter(), EmailRedactor()
    instrument.patch(exporter=exporter, redactor=redactor, raise_internal_errors=True, **options)
    try:
        yield Traced(exporter, redactor, MockAnthropic())
    finally:
        instrument.unpatch()
        reset_global_tracer_provider()
