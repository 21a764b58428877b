"""Redaction totals by entity type and time to first token, over a window."""

from __future__ import annotations

from tests.collector.otlp_json import CHAT_ATTRS, request, span
from tests.conftest import Collector

REDACTED = {"tracevault.redaction.by": "tracevault-sdk"}


def _seed(collector: Collector, project: str) -> None:
    spans = [
        span(
            attributes={
                **CHAT_ATTRS,
                **REDACTED,
                "tracevault.redaction.entities.EMAIL_ADDRESS": 2,
                "tracevault.redaction.entities.PERSON": 1,
                "gen_ai.response.time_to_first_chunk": 0.2,
            }
        ),
        span(
            attributes={
                **CHAT_ATTRS,
                **REDACTED,
                "tracevault.redaction.entities.EMAIL_ADDRESS": 3,
                "gen_ai.response.time_to_first_chunk": 0.6,
            }
        ),
        span(attributes={**CHAT_ATTRS, "tracevault.content_dropped": True}),
    ]
    with collector.client(collector.new_key(project, "ingest")) as ingest:
        assert ingest.post("/v1/traces", json=request(spans)).status_code == 200


def test_redaction_totals_by_entity_and_redactor(collector: Collector, project: str) -> None:
    _seed(collector, project)
    with collector.client(collector.new_key(project, "read")) as reader:
        body = reader.get("/api/metrics/redaction").json()
    assert body["entities"] == [
        {"entity": "EMAIL_ADDRESS", "count": 5},
        {"entity": "PERSON", "count": 1},
    ]
    assert body["by_redactor"] == [
        {"by": "none", "spans": 1, "content_dropped": 1},
        {"by": "tracevault-sdk", "spans": 2, "content_dropped": 0},
    ]


def test_time_to_first_token_percentiles_by_model(collector: Collector, project: str) -> None:
    _seed(collector, project)
    with collector.client(collector.new_key(project, "read")) as reader:
        (row,) = reader.get("/api/metrics/streaming").json()["models"]
    assert (row["model"], row["calls"]) == ("claude-sonnet-4-5-20250929", 2)
    assert row["ttft_p50_ms"] == 400.0
    assert round(row["ttft_p95_ms"], 6) == 580.0


def test_tool_percentiles_are_nearest_rank_over_every_call(
    collector: Collector, project: str
) -> None:
    tool = {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "lookup"}
    spans = [
        span(name="execute_tool lookup", attributes=tool, duration_ms=float(v))
        for v in range(10, 0, -1)
    ]
    with collector.client(collector.new_key(project, "ingest")) as ingest:
        assert ingest.post("/v1/traces", json=request(spans)).status_code == 200
    with collector.client(collector.new_key(project, "read")) as reader:
        (row,) = reader.get("/api/metrics/tools").json()["tools"]
    assert row == {
        "tool": "lookup",
        "calls": 10,
        "errors": 0,
        "p50_ms": 5.0,
        "p95_ms": 10.0,
        "p99_ms": 10.0,
        "mean_ms": 5.5,
    }


def test_task_durations_fall_in_log_bins(collector: Collector, project: str) -> None:
    roots = [span(name="invoke_agent a", duration_ms=ms) for ms in (12.0, 15.0, 150.0, 9000.0)]
    with collector.client(collector.new_key(project, "ingest")) as ingest:
        assert ingest.post("/v1/traces", json=request(roots)).status_code == 200
    with collector.client(collector.new_key(project, "read")) as reader:
        body = reader.get("/api/metrics/task_durations").json()
    assert body["tasks"] == 4
    got = [(round(b["lo_ms"], 1), b["count"]) for b in body["buckets"]]
    assert got == [(10.0, 2), (100.0, 1), (5623.4, 1)]
