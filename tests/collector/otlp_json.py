"""Hand-written OTLP/JSON payloads for tests (hex ids, integer enums, as the spec says)."""

from __future__ import annotations

import secrets
import time
from typing import Any


def attr(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    if isinstance(value, float):
        return {"key": key, "value": {"doubleValue": value}}
    if isinstance(value, list):
        return {
            "key": key,
            "value": {"arrayValue": {"values": [attr("", v)["value"] for v in value]}},
        }
    return {"key": key, "value": {"stringValue": str(value)}}


def span(
    name: str = "chat claude-sonnet-4-5",
    trace_id: str | None = None,
    span_id: str | None = None,
    parent: str | None = None,
    attributes: dict[str, Any] | None = None,
    status_code: int = 1,
    duration_ms: float = 120.0,
    start_ns: int | None = None,
) -> dict[str, Any]:
    start = start_ns or time.time_ns()
    out = {
        "traceId": trace_id or secrets.token_hex(16),
        "spanId": span_id or secrets.token_hex(8),
        "name": name,
        "kind": 3,
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + int(duration_ms * 1e6)),
        "attributes": [attr(k, v) for k, v in (attributes or {}).items()],
        "status": {"code": status_code},
    }
    if parent:
        out["parentSpanId"] = parent
    return out


def request(spans: list[dict[str, Any]], service: str = "support-agent") -> dict[str, Any]:
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": [attr("service.name", service)]},
                "scopeSpans": [{"scope": {"name": "test"}, "spans": spans}],
            }
        ]
    }


CHAT_ATTRS = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "anthropic",
    "gen_ai.request.model": "claude-sonnet-4-5",
    "gen_ai.response.model": "claude-sonnet-4-5-20250929",
    "gen_ai.usage.input_tokens": 1200,
    "gen_ai.usage.output_tokens": 300,
    "gen_ai.usage.cache_read.input_tokens": 1000,
    "gen_ai.response.finish_reasons": ["end_turn"],
    "user.id": "u-1",
    "session.id": "s-1",
}
