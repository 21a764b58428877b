"""Canonical span records for audit tests, with fixed ids and times so assertions are exact."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from collector.schema import FIELD_NAMES
from collector.store import IngestBatch, records_to_table

T0 = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


def record(project: str, n: int, batch: int = 0, **over: Any) -> dict[str, Any]:
    """Span n of a trace per batch; a tool span when n is odd."""
    start = T0 + timedelta(seconds=batch * 60 + n)
    tool = n % 2 == 1
    content = (
        {"tool_arguments": {"query": "order <EMAIL_ADDRESS>"}, "tool_result": "x" * n}
        if tool
        else {
            "input_messages": [{"role": "user", "parts": [{"type": "text", "content": f"hi {n}"}]}]
        }
    )
    rec: dict[str, Any] = dict.fromkeys(FIELD_NAMES)
    rec.update(
        project=project, trace_id=f"{batch + 1:032x}", span_id=f"{n + 1:016x}",
        service_name="support-agent", name="execute_tool lookup" if tool else "chat claude",
        kind="internal" if tool else "client", start_time=start,
        end_time=start + timedelta(milliseconds=250), duration_ms=250.0, status="ok",
        operation="execute_tool" if tool else "chat", provider="anthropic",
        request_model=None if tool else "claude-sonnet-4-5", input_tokens=None if tool else 100 + n,
        output_tokens=None if tool else 20, cost_usd=None if tool else 0.0015 * (n + 1),
        tool_name="lookup" if tool else None, tool_call_id=f"toolu_{n}" if tool else None,
        user_id="u-1", session_id="s-1", tenant_id="acme",
        attributes=json.dumps({"gen_ai.operation.name": "execute_tool" if tool else "chat"}),
        resource=json.dumps({"service.name": "support-agent"}), events="[]", links="[]",
        content=json.dumps(content), redaction=json.dumps({"by": "tracevault", "entities": {}}),
        received_at=T0 + timedelta(seconds=batch * 60 + 30),
    )  # fmt: skip
    rec.update(over)
    return rec


def batch(project: str, batch_no: int, spans: int = 3, key_id: str | None = "k1") -> IngestBatch:
    records = [record(project, n, batch_no) for n in range(spans)]
    return IngestBatch(project, key_id, records_to_table(records))
