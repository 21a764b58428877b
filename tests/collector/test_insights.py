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
