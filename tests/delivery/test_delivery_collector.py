"""SpoolingSpanExporter against real `tracevault serve` processes (and a real proxy in front
of one when the collector has to misbehave: 503 + Retry-After, 400, slow, lost answers)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from collector.process import free_port
from instrument.delivery.encode import DROPPED_ATTRIBUTE, encode_batch
from tests.conftest import Collector
from tests.delivery.helpers import (
    exporting,
    fast_config,
    late_collector,
    new_admin_key,
    stored_ids,
    stored_spans,
    wait_written,
)
from tests.delivery.servers import Reply, scripted, status_body
from tests.delivery.spans import make_spans, span_id_hex


def ids(first: int, last: int) -> list[str]:
    return [span_id_hex(n) for n in range(first, last + 1)]


def test_spans_stored_once_when_collector_down_for_first_calls_then_started(
    tmp_path: Path,
) -> None:
    port, admin = free_port(), new_admin_key()
    config = fast_config(f"http://127.0.0.1:{port}", admin, tmp_path / "spool")
    with exporting(config) as exporter:
        for call in range(5):  # five calls while nothing listens on the port
            exporter.export(make_spans(4, first=1 + call * 4))
        wait_written(exporter, 20)
        assert exporter.flush(timeout=0.2) is False  # still down: kept on disk, not lost
        assert exporter.stats().spooled_files >= 1
        with late_collector(tmp_path, port, admin) as proc:
            assert exporter.flush(timeout=60) is True
            assert stored_ids(proc.url, admin) == ids(1, 20)  # each exactly once
        stats = exporter.stats()
    assert (stats.delivered_spans, stats.spooled_files, stats.rejected_spans) == (20, 0, 0)
    assert stats.retries >= 1


def test_spans_stored_once_when_503_with_retry_after_then_200(
    collector: Collector, project: str, tmp_path: Path
) -> None:
    key, reader = collector.new_key(project, "ingest"), collector.new_key(project, "read")
    busy = Reply(503, {"Retry-After": "1"}, status_body("ingest queue full", 14))
    with scripted([busy, busy], upstream=collector.url) as proxy:
        with exporting(fast_config(proxy.url, key, tmp_path)) as exporter:
            exporter.export(make_spans(10))
            assert exporter.flush(timeout=60) is True
        assert [s.status for s in proxy.seen] == [503, 503, 200]
        assert all(s.span_ids == ids(1, 10) for s in proxy.seen)
        gaps = [b.at - a.at for a, b in zip(proxy.seen, proxy.seen[1:], strict=False)]
    assert min(gaps) >= 1.0  # never before the collector said; our own backoff is 0.05 s
    assert stored_ids(collector.url, reader) == ids(1, 10)


def test_spans_stored_once_when_answer_lost_after_commit(
    collector: Collector, project: str, tmp_path: Path
) -> None:
    key, reader = collector.new_key(project, "ingest"), collector.new_key(project, "read")
    with scripted([Reply(action="forward_then_503")], upstream=collector.url) as proxy:
        with exporting(fast_config(proxy.url, key, tmp_path)) as exporter:
            exporter.export(make_spans(6))
            assert exporter.flush(timeout=60) is True
        assert [(s.status, s.span_ids) for s in proxy.seen] == [(503, ids(1, 6)), (200, ids(1, 6))]
    assert stored_ids(collector.url, reader) == ids(1, 6)  # sent twice, stored once


def test_spans_stored_once_when_collector_slower_than_timeout(
    collector: Collector, project: str, tmp_path: Path
) -> None:
    key, reader = collector.new_key(project, "ingest"), collector.new_key(project, "read")
    slow = Reply(action="slow_forward", delay_s=4.0)  # stores the batch, but answers too late
    with scripted([slow], upstream=collector.url) as proxy:
        with exporting(fast_config(proxy.url, key, tmp_path, timeout_s=2.0)) as exporter:
            exporter.export(make_spans(5))
            assert exporter.flush(timeout=60) is True
            stats = exporter.stats()
        assert all(seen.span_ids == ids(1, 5) for seen in proxy.seen)
    # a loaded collector may be slow on the resend too, so only a lower bound here
    assert stats.retries >= 1 and len(proxy.seen) == stats.retries + 1
    assert stats.last_error == "ReadTimeout: timed out"
    assert stored_ids(collector.url, reader) == ids(1, 5)


def test_400_counted_logged_and_not_retried_when_collector_rejects(
    collector: Collector, project: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key, reader = collector.new_key(project, "ingest"), collector.new_key(project, "read")
    bad = Reply(400, {}, status_body("malformed OTLP payload: span 2 has no trace id"))
    caplog.set_level(logging.WARNING, "tracevault.delivery")
    with scripted([bad], upstream=collector.url) as proxy:
        with exporting(fast_config(proxy.url, key, tmp_path)) as exporter:
            exporter.export(make_spans(3))
            assert exporter.flush(timeout=60) is True
            exporter.export(make_spans(4, first=4))
            assert exporter.flush(timeout=60) is True
            stats = exporter.stats()
        assert [(s.status, s.span_ids) for s in proxy.seen] == [(400, ids(1, 3)), (200, ids(4, 7))]
    assert (stats.rejected_spans, stats.delivered_spans, stats.retries) == (3, 4, 0)
    assert stats.last_error == "malformed OTLP payload: span 2 has no trace id"
    assert "rejected 3 spans (HTTP 400), not retrying: malformed OTLP payload" in caplog.text
    assert stored_ids(collector.url, reader) == ids(4, 7)


def test_queue_overflow_counted_and_stamped_on_next_delivered_span(
    collector: Collector, project: str, tmp_path: Path
) -> None:
    key, reader = collector.new_key(project, "ingest"), collector.new_key(project, "read")
    metrics = InMemoryMetricReader()
    config = fast_config(collector.url, key, tmp_path, max_queue_spans=10)
    with exporting(config, meter_provider=MeterProvider(metric_readers=[metrics])) as exporter:
        exporter.export(make_spans(25))  # an empty queue of 10: 10 kept, 15 dropped at once
        assert exporter.flush(timeout=60) is True
        exporter.export(make_spans(2, first=26))
        assert exporter.flush(timeout=60) is True
        assert exporter.stats().dropped_queue_full == 15
    spans = {s["span_id"]: s for s in stored_spans(collector.url, reader)}
    assert sorted(spans) == ids(1, 10) + ids(26, 27)
    first = spans[span_id_hex(1)]["attributes"]
    assert (first[DROPPED_ATTRIBUTE], first[DROPPED_ATTRIBUTE + ".queue_full"]) == (15, 15)
    assert DROPPED_ATTRIBUTE not in spans[span_id_hex(26)]["attributes"]  # reported once
    assert _counter(metrics, "tracevault.delivery.dropped_spans") == {"queue_full": 15}
    assert _counter(metrics, "tracevault.delivery.delivered_spans") == {"": 12}


def _counter(reader: InMemoryMetricReader, name: str) -> dict[str, int]:
    data = reader.get_metrics_data()
    return {
        str(point.attributes.get("reason", "")): point.value
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for metric in sm.metrics
        if metric.name == name
        for point in metric.data.data_points
    }


def test_spool_full_drops_oldest_keeps_newest_and_reports_drops(
    collector: Collector, project: str, tmp_path: Path
) -> None:
    key, reader = collector.new_key(project, "ingest"), collector.new_key(project, "read")
    port = free_port()  # nothing listens yet: the collector is unreachable
    one_batch = len(encode_batch(make_spans(10, first=91), gzip=True))
    config = fast_config(f"http://127.0.0.1:{port}", key, tmp_path, backoff_base_s=30,
                         backoff_max_s=60, max_spool_bytes=int(one_batch * 3.5))  # fmt: skip
    with exporting(config) as exporter:
        for batch in range(10):
            exporter.export(make_spans(10, first=1 + batch * 10))
            wait_written(exporter, 10 * (batch + 1))
        stats = exporter.stats()
        assert (stats.dropped_spool_full, stats.spooled_files) == (70, 3)
        with scripted(upstream=collector.url, port=port):  # the address comes alive
            assert exporter.flush(timeout=60) is True
    spans = {s["span_id"]: s for s in stored_spans(collector.url, reader)}
    assert sorted(spans) == ids(71, 100)  # the newest 30 kept, the oldest 70 dropped
    first = spans[span_id_hex(71)]["attributes"]
    assert (first[DROPPED_ATTRIBUTE], first[DROPPED_ATTRIBUTE + ".spool_full"]) == (70, 70)
