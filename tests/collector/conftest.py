"""Real spans from every emitter we normalize, each around a real `anthropic.Anthropic` client on
an httpx2 MockTransport, caught by an InMemorySpanExporter and encoded to real OTLP."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import anthropic
import httpx2
from google.protobuf import json_format
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from collector.normalize import to_record
from collector.otlp import decode_json, decode_protobuf

RECEIVED_AT = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
PROJECT = "proj-test"
SYSTEM = "You are a weather assistant."
QUESTION = "What is the weather in Paris?"
# A Messages API reply that asks for a tool and used the prompt cache.
MESSAGE_REPLY: dict[str, Any] = {
    "id": "msg_01TestReply",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-6",
    "content": [
        {"type": "text", "text": "Let me check the weather."},
        {
            "type": "tool_use",
            "id": "toolu_01Weather",
            "name": "get_weather",
            "input": {"city": "Paris"},
        },
    ],
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": {
        "input_tokens": 100,
        "output_tokens": 50,
        "cache_creation_input_tokens": 200,
        "cache_read_input_tokens": 300,
        "cache_creation": {"ephemeral_5m_input_tokens": 200, "ephemeral_1h_input_tokens": 0},
        "service_tier": "standard",
    },
}
EMITTERS = ("native", "openinference", "openllmetry")

Handler = Callable[[httpx2.Request], httpx2.Response]


def reply_handler(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(200, json=MESSAGE_REPLY, headers={"request-id": "req_test_1"})


def json_handler(body: dict[str, Any]) -> Handler:
    return lambda request: httpx2.Response(200, json=body, headers={"request-id": "req_test_2"})


def status_handler(status: int, error_type: str) -> Handler:
    body = {"type": "error", "error": {"type": error_type, "message": "try later"}}
    return lambda request: httpx2.Response(status, json=body, headers={"request-id": "req_err"})


@contextmanager
def _instrumented(emitter: str, provider: TracerProvider) -> Iterator[dict[str, Any]]:
    """Client options for `emitter`; peers are instrumented only inside the block."""
    if emitter == "native":
        yield {
            "open_telemetry": {"tracer_provider": provider, "traces": {"content_mode": "content"}}
        }
        return
    if emitter == "openinference":
        from openinference.instrumentation.anthropic import AnthropicInstrumentor
    else:
        from opentelemetry.instrumentation.anthropic import AnthropicInstrumentor
    instrumentor = AnthropicInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    try:
        yield {"open_telemetry": False}  # one span per call: the peer's
    finally:
        instrumentor.uninstrument()


def capture(
    emitter: str,
    handler: Handler = reply_handler,
    call: Callable[[anthropic.Anthropic], Any] | None = None,
) -> list[ReadableSpan]:
    """Spans `emitter` produces for one `messages.create` (or `call`) through a real client."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "weather-agent"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with _instrumented(emitter, provider) as options:
        client = anthropic.Anthropic(
            api_key="sk-test",
            max_retries=0,
            http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
            **options,
        )
        with contextlib.suppress(anthropic.APIStatusError):  # error spans are wanted too
            (call or _ask_weather)(client)
    provider.shutdown()
    return list(exporter.get_finished_spans())


def _ask_weather(client: anthropic.Anthropic) -> Any:
    return client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=256,
        system=SYSTEM,
        messages=[{"role": "user", "content": QUESTION}],
        tools=[
            {
                "name": "get_weather",
                "description": "Current weather for a city",
                "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
            }
        ],
    )


def to_protobuf(spans: list[ReadableSpan]) -> bytes:
    return encode_spans(spans).SerializeToString()


def _hex_ids(node: Any) -> Any:
    """protobuf's JSON mapping writes ids as base64; OTLP/JSON wants hex."""
    if isinstance(node, list):
        return [_hex_ids(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: base64.b64decode(value).hex()
        if key in ("traceId", "spanId", "parentSpanId")
        else _hex_ids(value)
        for key, value in node.items()
    }


def to_otlp_json(spans: list[ReadableSpan]) -> bytes:
    import orjson

    document = json_format.MessageToDict(encode_spans(spans), use_integers_for_enums=True)
    return orjson.dumps(_hex_ids(document))


def normalize(spans: list[ReadableSpan]) -> list[dict[str, Any]]:
    """spans -> OTLP protobuf -> our decoder -> canonical records."""
    decoded = decode_protobuf(to_protobuf(spans))
    assert decoded.rejected == 0, decoded.errors
    return [to_record(span, PROJECT, RECEIVED_AT) for span in decoded.spans]


def normalize_json(spans: list[ReadableSpan]) -> list[dict[str, Any]]:
    decoded = decode_json(to_otlp_json(spans))
    assert decoded.rejected == 0, decoded.errors
    return [to_record(span, PROJECT, RECEIVED_AT) for span in decoded.spans]


def inference_record(emitter: str, handler: Handler = reply_handler) -> dict[str, Any]:
    records = normalize(capture(emitter, handler))
    assert len(records) == 1, [r["name"] for r in records]
    return records[0]
