"""Deterministic SDK spans for delivery tests: fixed ids, times and attributes."""

from __future__ import annotations

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, TraceFlags

RESOURCE = Resource({"service.name": "delivery-test"})
SCOPE = InstrumentationScope("tracevault.test", "0.1")
T0 = 1_700_000_000_000_000_000  # fixed start time, ns


def make_spans(
    count: int, first: int = 1, trace: int = 0xAB, content_bytes: int = 0
) -> list[ReadableSpan]:
    """Spans with span ids first..first+count-1, all in trace `trace`."""
    return [_span(first + i, trace, content_bytes) for i in range(count)]


def _span(n: int, trace: int, content_bytes: int) -> ReadableSpan:
    attributes: dict[str, str | int] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": "claude-sonnet-4-5",
        "gen_ai.usage.input_tokens": 100 + n,
        "gen_ai.usage.output_tokens": 7,
    }
    if content_bytes:
        attributes["tracevault.test.padding"] = "x" * content_bytes
    context = SpanContext(trace, n, is_remote=False, trace_flags=TraceFlags(1))
    return ReadableSpan(
        name="chat claude-sonnet-4-5",
        context=context,
        kind=SpanKind.CLIENT,
        attributes=attributes,
        start_time=T0 + n * 1_000_000,
        end_time=T0 + n * 1_000_000 + 500_000,
        resource=RESOURCE,
        instrumentation_scope=SCOPE,
    )


def span_id_hex(n: int) -> str:
    return f"{n:016x}"


def trace_id_hex(trace: int = 0xAB) -> str:
    return f"{trace:032x}"
