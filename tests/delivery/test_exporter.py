"""SpoolingSpanExporter lifecycle and reporting, against a real scripted local HTTP server."""

from __future__ import annotations

from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.sdk.trace.export import SpanExportResult

from instrument.delivery import SpoolingSpanExporter
from instrument.delivery.encode import DROPPED_ATTRIBUTE
from tests.delivery.helpers import exporting, fast_config
from tests.delivery.servers import Reply, scripted, status_body
from tests.delivery.spans import make_spans, span_id_hex


def test_flush_returns_true_at_once_when_nothing_exported(tmp_path: Path) -> None:
    with scripted() as server, exporting(fast_config(server.url, "k", tmp_path)) as exporter:
        assert exporter.flush(timeout=5) is True
        assert server.seen == []


def test_shutdown_twice_is_safe_and_export_after_is_refused_and_counted(tmp_path: Path) -> None:
    with scripted() as server:
        exporter = SpoolingSpanExporter(fast_config(server.url, "k", tmp_path))
        directory = exporter.spool_directory
        exporter.export(make_spans(3))
        exporter.shutdown()
        exporter.shutdown()
        assert exporter.export(make_spans(2, first=4)) is SpanExportResult.FAILURE
        assert server.all_span_ids() == [span_id_hex(n) for n in (1, 2, 3)]
    stats = exporter.stats()
    assert (stats.delivered_spans, stats.dropped_queue_full) == (3, 2)
    assert not directory.exists()  # empty: removed at shutdown


def test_partial_success_counts_rejected_spans_when_200(tmp_path: Path) -> None:
    answer = ExportTraceServiceResponse()
    answer.partial_success.rejected_spans = 2
    answer.partial_success.error_message = "2 spans had no name"
    reply = Reply(200, {}, answer.SerializeToString())
    with scripted([reply]) as server, exporting(fast_config(server.url, "k", tmp_path)) as exporter:
        exporter.export(make_spans(5))
        assert exporter.flush(timeout=30) is True
        stats = exporter.stats()
    assert (stats.delivered_spans, stats.rejected_spans, stats.retries) == (3, 2, 0)
    assert stats.last_error == "2 spans had no name"


def test_drop_report_kept_until_a_post_succeeds_when_first_try_fails(tmp_path: Path) -> None:
    busy = Reply(503, {"Retry-After": "0"}, status_body("busy", 14))
    with scripted([busy]) as server:
        config = fast_config(server.url, "k", tmp_path, max_queue_spans=4)
        with exporting(config) as exporter:
            exporter.export(make_spans(6))  # 2 dropped
            assert exporter.flush(timeout=30) is True
            exporter.export(make_spans(1, first=7))
            assert exporter.flush(timeout=30) is True
        seen = [(s.status, s.first_attributes.get(DROPPED_ATTRIBUTE)) for s in server.seen]
    assert seen == [(503, 2), (200, 2), (200, None)]


def test_authorization_sent_and_not_spooled_when_key_set(tmp_path: Path) -> None:
    with scripted([Reply(503, {"Retry-After": "0"})]) as server:
        with exporting(fast_config(server.url, "tv_secret_key", tmp_path)) as exporter:
            exporter.export(make_spans(1))
            assert exporter.flush(timeout=30) is True
            on_disk = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
        auth = [{k.lower(): v for k, v in s.headers.items()}["authorization"] for s in server.seen]
    assert auth == ["Bearer tv_secret_key"] * 2
    assert b"tv_secret_key" not in on_disk


def test_500_retried_then_rejected_when_it_persists(tmp_path: Path) -> None:
    fault = Reply(500, {}, status_body("store bug", 13))
    with scripted([fault] * 4) as server:
        config = fast_config(server.url, "k", tmp_path, max_server_error_retries=3)
        with exporting(config) as exporter:
            exporter.export(make_spans(2))
            assert exporter.flush(timeout=30) is True
            exporter.export(make_spans(1, first=3))
            assert exporter.flush(timeout=30) is True
            stats = exporter.stats()
        statuses = [s.status for s in server.seen]
    assert statuses == [500, 500, 500, 500, 200]  # 1 try + 3 retries, then the next batch
    assert (stats.rejected_spans, stats.delivered_spans, stats.last_error) == (2, 1, "store bug")
