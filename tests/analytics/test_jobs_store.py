"""Jobs against a real DuckDB store: watermarks, lateness, merged percentiles, run records."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from analytics import rollup_query
from analytics.rollups import GAMMA
from analytics.scheduler import JobContext, JobOutcome, JobRunner, JobSpec, list_runs
from collector.metrics import CollectorMetrics
from collector.settings import Settings
from collector.store import DuckDBStore, migrations
from tests.analytics.records import T0, record

Ingest = Callable[[list[dict[str, Any]]], int]
ALPHA = (GAMMA - 1) / (GAMMA + 1)


def _nearest_rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(q * len(ordered)) - 1]


def test_cover_tiles_window_with_coarsest_buckets_when_edges_unaligned() -> None:
    since = datetime(2025, 3, 1, 22, 30, 15, tzinfo=UTC)
    until = datetime(2025, 3, 3, 1, 2, 30, tzinfo=UTC)
    pieces, raw = rollup_query.cover(since, until)
    hour = timedelta(hours=1)
    assert pieces == [
        ("minute", datetime(2025, 3, 1, 22, 31, tzinfo=UTC), datetime(2025, 3, 1, 23, tzinfo=UTC)),
        ("hour", datetime(2025, 3, 1, 23, tzinfo=UTC), datetime(2025, 3, 2, tzinfo=UTC)),
        ("day", datetime(2025, 3, 2, tzinfo=UTC), datetime(2025, 3, 3, tzinfo=UTC)),
        ("hour", datetime(2025, 3, 3, tzinfo=UTC), datetime(2025, 3, 3, tzinfo=UTC) + hour),
        ("minute", datetime(2025, 3, 3, 1, tzinfo=UTC), datetime(2025, 3, 3, 1, 2, tzinfo=UTC)),
    ]
    assert raw == [
        (since, datetime(2025, 3, 1, 22, 31, tzinfo=UTC)),
        (datetime(2025, 3, 3, 1, 2, tzinfo=UTC), until),
    ]


def test_rollups_read_only_new_batches_when_run_twice(runner: JobRunner, ingest: Ingest) -> None:
    ingest([record(cost_usd=0.5) for _ in range(10)])
    assert runner.run("rollups")["rows_read"] == 10
    ingest([record(cost_usd=0.25) for _ in range(3)])
    second = runner.run("rollups")
    assert (second["rows_read"], second["batch_lo"], second["batch_hi"]) == (3, 1, 2)
    assert runner.run("rollups")["rows_read"] == 0
    rows = runner.store.query(
        "SELECT grain, spans, cost_usd FROM rollup_stats WHERE dim = 'all' ORDER BY grain"
    )
    assert rows == [{"grain": g, "spans": 13, "cost_usd": 5.75} for g in ("day", "hour", "minute")]


def test_percentiles_stay_within_bound_when_minutes_merge_into_a_day(
    runner: JobRunner, ingest: Ingest
) -> None:
    durations = [float(1 + (i * 37) % 991) for i in range(600)]
    ingest([record(duration_ms=d, start_time=T0 + timedelta(minutes=i % 300))
            for i, d in enumerate(durations)])  # fmt: skip
    runner.run("rollups")
    got = rollup_query.summary(runner.store, "p", T0, T0 + timedelta(days=1), 10**9)
    for name, q in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        exact = _nearest_rank(durations, q)
        assert abs(got[name] - exact) <= ALPHA * exact, (name, got[name], exact)
    assert (got["model_calls"], got["spans"]) == (600, 600)


def test_rollups_count_late_span_when_within_lateness_only(
    store: DuckDBStore, ingest: Ingest
) -> None:
    settings = Settings(job_lateness_s=3600)
    run = JobRunner(store, settings, CollectorMetrics(), [_rollups()]).run
    received = T0 + timedelta(hours=5)
    ingest([record(start_time=T0 + timedelta(hours=4, minutes=30), received_at=received),
            record(start_time=T0, received_at=received)])  # fmt: skip
    assert run("rollups")["rows_read"] == 1
    rows = store.query("SELECT bucket FROM rollup_stats WHERE grain = 'hour' AND dim = 'all'")
    assert rows == [{"bucket": T0 + timedelta(hours=4)}]


def _rollups() -> JobSpec:
    from analytics.rollups import JOB

    return JOB


def test_failed_job_keeps_watermark_and_records_error(store: DuckDBStore, ingest: Ingest) -> None:
    calls: list[int] = []

    def flaky(ctx: JobContext) -> JobOutcome:
        calls.append(ctx.batches.lo if ctx.batches else -1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return JobOutcome(rows_read=7)

    runner = JobRunner(store, Settings(), CollectorMetrics(), [JobSpec("flaky", flaky)])
    ingest([record()])
    first, second = runner.run("flaky"), runner.run("flaky")
    assert (first["status"], first["error"]) == ("error", "RuntimeError: boom")
    assert (second["status"], second["rows_read"], calls) == ("ok", 7, [0, 0])
    runs = list_runs(store, "flaky")
    assert [(r["status"], r["error"]) for r in runs] == [
        ("ok", None), ("error", "RuntimeError: boom")]  # fmt: skip


def test_job_metrics_exported_when_a_run_ends(store: DuckDBStore, ingest: Ingest) -> None:
    metrics = CollectorMetrics()
    runner = JobRunner(store, Settings(), metrics, [JobSpec("noop", lambda c: JobOutcome(4))])
    ingest([record()])
    runner.run("noop")
    text = metrics.render().decode()
    assert 'tracevault_job_runs_total{job="noop",status="ok"} 1.0' in text
    assert 'tracevault_job_rows_read_total{job="noop"} 4.0' in text
    assert 'tracevault_job_rows_pruned_total{job="noop"} 0.0' in text
    assert 'tracevault_job_duration_seconds_count{job="noop"} 1.0' in text
    assert 'tracevault_job_watermark_batch{job="noop"} 1.0' in text


def test_dependent_job_waits_for_its_upstream_watermark(runner: JobRunner, ingest: Ingest) -> None:
    ingest([record()])
    early = runner.run("cost_anomalies")
    assert (early["batch_lo"], early["batch_hi"]) == (0, 0)
    runner.run("rollups")
    assert runner.run("cost_anomalies")["batch_hi"] == 1


def test_scheduler_runs_jobs_without_overlap_and_stops_twice(store: DuckDBStore) -> None:
    import threading
    import time

    from analytics.scheduler import JobScheduler

    state = {"running": 0, "peak": 0, "runs": 0}
    lock = threading.Lock()

    def slow(ctx: JobContext) -> JobOutcome:
        with lock:
            state["running"] += 1
            state["peak"] = max(state["peak"], state["running"])
        time.sleep(0.15)  # longer than the interval: APScheduler must not start a second one
        with lock:
            state["running"] -= 1
            state["runs"] += 1
        return JobOutcome()

    settings = Settings(job_interval_s=0.05)
    spec = JobSpec("slow", slow, incremental=False)
    scheduler = JobScheduler(JobRunner(store, settings, CollectorMetrics(), [spec]), settings)
    scheduler.start()
    deadline = time.monotonic() + 20
    while len(list_runs(store, "slow")) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    scheduler.stop()
    scheduler.stop()
    assert len(list_runs(store, "slow")) >= 3
    assert state["peak"] == 1


def test_runs_recorded_before_migration_7_read_as_nothing_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = migrations._registry
    monkeypatch.setattr(migrations, "_registry", lambda: {v: m for v, m in full().items() if v < 7})
    old = DuckDBStore(tmp_path / "v6.duckdb")
    old.write(lambda con: con.execute(
        "INSERT INTO job_runs VALUES (1, 'alert_retention', 'schedule', ?, ?, 5.0, 'ok', 10, 0, "
        "NULL, NULL, NULL)", [T0, T0])).result()  # fmt: skip
    old.close()
    monkeypatch.setattr(migrations, "_registry", full)
    store = DuckDBStore(tmp_path / "v6.duckdb")
    try:
        (run,) = list_runs(store, "alert_retention")
        assert (run["rows_read"], run["rows_pruned"]) == (10, 0)
    finally:
        store.close()
