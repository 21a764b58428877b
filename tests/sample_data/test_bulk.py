"""Bulk mode: synthetic spans go through the real receiver and are all stored, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from collector.otlp import decode_protobuf
from sample_data.bulk import BatchFactory, send
from tests.conftest import Collector


def test_batch_holds_whole_traces_with_valid_ids() -> None:
    decoded = decode_protobuf(BatchFactory(seed=5).batch(64))
    assert (len(decoded.spans), decoded.rejected) == (64, 0)
    roots = [s for s in decoded.spans if s.parent_span_id is None]
    assert len(roots) == 8 and {s.name.split()[0] for s in roots} == {"invoke_agent"}
    assert len({s.span_id for s in decoded.spans}) == 64


def test_send_stores_every_span_once(collector: Collector, project: str) -> None:
    stats = send(collector.url, collector.new_key(project, "ingest"), total=2_000, senders=3)
    assert (stats.spans, stats.requests) == (2_000, 6)
    since = (datetime.now(UTC) - timedelta(days=8)).isoformat()
    with collector.client(collector.new_key(project, "read")) as reader:
        summary = reader.get("/api/metrics/summary", params={"since": since}).json()
    assert summary["current"]["spans"] == 2_000
