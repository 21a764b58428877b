"""The rollup read path on a real DuckDB store: several windows in one read, answers that do
not move when the job rolls the raw tail up, the top-N split, migration 5's per-grain tables
and row-group pruning of the raw parts."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from analytics import rollup_query, rollup_sql
from analytics.rollups import (
    GAMMA,
    MEASURES,
    bin_value_ms,
    m005_rollup_grains,
    merge_deltas,
    table,
)
from analytics.scheduler import JobRunner
from analytics.tables import m003_analytics
from collector.store import DuckDBStore
from tests.analytics.records import T0, record

Ingest = Callable[[list[dict[str, Any]]], int]
BIG = 10**9  # lateness: these fixed past dates are never too late
USERS = ("u-a", "u-b", "u-c", "u-d", "u-e")
W1 = (T0 - timedelta(minutes=4, seconds=45), T0 + timedelta(minutes=95, seconds=30))
W2 = (W1[1], T0 + timedelta(hours=4))


def _spans() -> list[dict[str, Any]]:
    """180 spans over three hours from T0, at unaligned seconds; costs in eighths of a
    dollar so every sum is exact in binary floating point."""
    out = []
    for i in range(180):
        start = T0 + timedelta(seconds=i * 61 + i % 7)
        error = i % 9 == 0
        out.append(record(
            start_time=start, user_id=USERS[i % 5] if i % 11 else None,
            request_model=f"m{i % 3}", duration_ms=float(50 + 37 * i % 900),
            operation="execute_tool" if i % 6 == 0 else "chat", cost_usd=0.125 * (i % 4),
            status="error" if error else "ok", error_class="transient" if error else None,
            parent_span_id=None if i % 4 == 0 else "00000000000000aa"))  # fmt: skip
    return out


def _in(span: dict[str, Any], window: tuple[datetime, datetime]) -> bool:
    return window[0] <= span["start_time"] < window[1]


def _bin(duration_ms: float) -> int:
    return math.ceil(math.log(max(duration_ms, 0.001)) / math.log(GAMMA))


def _reads(store: DuckDBStore) -> tuple[Any, ...]:
    return (
        rollup_query.summaries(store, "p", [W1, W2], BIG),
        rollup_query.timeseries(store, "p", *W1, "hour", "user", BIG),
        rollup_query.timeseries(store, "p", *W1, "minute", "model", BIG),
        rollup_query.timeseries(store, "p", *W2, "day", None, BIG),
    )


def test_summaries_of_two_windows_equal_two_single_reads_when_tail_unrolled(
    runner: JobRunner, ingest: Ingest
) -> None:
    spans = _spans()
    ingest(spans[:100])
    runner.run("rollups")
    ingest(spans[100:])  # past the watermark: read from raw spans
    both = rollup_query.summaries(runner.store, "p", [W1, W2], BIG)
    assert both == [rollup_query.summary(runner.store, "p", *w, BIG) for w in (W1, W2)]
    assert [b["spans"] for b in both] == [sum(_in(s, w) for s in spans) for w in (W1, W2)]
    cost = sum(s["cost_usd"] for s in spans if _in(s, W1))  # no agent spans: all count
    assert both[0]["cost_usd"] == cost


def test_reads_unchanged_when_rollup_job_consumes_the_raw_tail(
    runner: JobRunner, ingest: Ingest
) -> None:
    ingest(_spans())
    before = _reads(runner.store)  # everything from raw spans
    assert runner.run("rollups")["rows_read"] == 180
    assert _reads(runner.store) == before  # everything from rollups and sub-minute edges


def test_timeseries_top_keeps_costliest_values_and_merges_the_rest_exactly(
    runner: JobRunner, ingest: Ingest
) -> None:
    spans = _spans()
    ingest(spans[:120])
    runner.run("rollups")
    ingest(spans[120:])  # the rest from raw spans past the watermark
    window = (T0, T0 + timedelta(hours=3, minutes=30))
    points = rollup_query.timeseries(runner.store, "p", *window, "day", "user", BIG, top=2)
    cost = {u: sum(s["cost_usd"] for s in spans if s["user_id"] == u) for u in (*USERS, None)}
    spans_of = {u: sum(s["user_id"] == u for s in spans) for u in cost}
    top = sorted(cost, key=lambda u: (-cost[u], -spans_of[u], u or ""))[:2]
    assert [p["user"] for p in points] == [rollup_query.OTHER, *sorted(top)]
    rest = [s for s in spans if s["user_id"] not in top]
    other = points[0]
    assert (other["spans"], other["cost_usd"]) == (len(rest), sum(s["cost_usd"] for s in rest))
    chat = sorted(s["duration_ms"] for s in rest if s["operation"] == "chat")
    assert other["model_calls"] == len(chat)
    nearest = chat[math.ceil(0.95 * len(chat)) - 1]
    assert other["p95_ms"] == bin_value_ms(_bin(nearest))


def test_timeseries_top_equals_full_split_when_it_covers_every_value(
    runner: JobRunner, ingest: Ingest
) -> None:
    ingest(_spans())
    full = rollup_query.timeseries(runner.store, "p", *W1, "hour", "user", BIG)
    assert rollup_query.timeseries(runner.store, "p", *W1, "hour", "user", BIG, top=6) == full
    assert {p["user"] for p in full} == {*USERS, None}


def test_timeseries_without_percentiles_keeps_sums_and_drops_percentile_keys(
    runner: JobRunner, ingest: Ingest
) -> None:
    ingest(_spans())
    runner.run("rollups")
    read = ("p", *W1, "hour", "user", BIG, 2)
    full = rollup_query.timeseries(runner.store, *read)
    lean = rollup_query.timeseries(runner.store, *read, percentiles=False)
    pct = ("p50_ms", "p95_ms", "p99_ms")
    assert lean == [{k: v for k, v in p.items() if k not in pct} for p in full]
    assert all(p["p95_ms"] is not None for p in full if p["model_calls"])


def _stats_row(grain: str, dim: str, spans: int) -> list[Any]:
    return [grain, T0, "p", dim, "" if dim == "all" else "x", spans, *[0] * 13, 0.5]


def test_migration_5_moves_rollup_rows_into_per_grain_and_dim_tables_behind_views(
    tmp_path: Path,
) -> None:
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    m003_analytics(con)
    marks = ", ".join("?" * (len(MEASURES) + 5))
    for row in (_stats_row("hour", "all", 3), _stats_row("day", "all", 7),
                _stats_row("hour", "user", 2), _stats_row("day", "tenant", 5)):  # fmt: skip
        con.execute(f"INSERT INTO rollup_stats VALUES ({marks})", row)
    con.execute("INSERT INTO rollup_latency VALUES ('minute', ?, 'p', 'all', '', 233, 4)", [T0])
    m005_rollup_grains(con)
    tables = {
        t: con.execute(f"SELECT dim, spans, cost_usd FROM {t}").fetchall()
        for t in ("rollup_stats_hour_all", "rollup_stats_day_all", "rollup_stats_minute_all",
                  "rollup_stats_hour_user", "rollup_stats_day_tenant", "rollup_stats_day_user")
    }  # fmt: skip
    assert tables == {
        "rollup_stats_hour_all": [("all", 3, 0.5)], "rollup_stats_day_all": [("all", 7, 0.5)],
        "rollup_stats_minute_all": [], "rollup_stats_hour_user": [("user", 2, 0.5)],
        "rollup_stats_day_tenant": [("tenant", 5, 0.5)], "rollup_stats_day_user": [],
    }  # fmt: skip
    made = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'rollup_%'")
    assert made.fetchone() == (2 * (3 * 9 - 2),)  # no minute tables for user and tenant
    view = "SELECT grain, dim, spans FROM rollup_stats ORDER BY grain, dim"
    assert con.execute(view).fetchall() == [
        ("day", "all", 7), ("day", "tenant", 5), ("hour", "all", 3),
        ("hour", "user", 2)]  # fmt: skip
    assert con.execute("SELECT grain, bin, n FROM rollup_latency").fetchall() == [
        ("minute", 233, 4)]  # fmt: skip
    with pytest.raises(duckdb.ConstraintException):  # the new table keeps the primary key
        con.execute("INSERT INTO rollup_stats_hour_all SELECT * EXCLUDE (grain) "
                    "FROM rollup_stats WHERE grain = 'hour' AND dim = 'all'")  # fmt: skip
    con.close()


ROW_GROUP = 122_880  # DuckDB's rows per row group


def _fill_spans(store: DuckDBStore, count: int) -> None:
    """`count` chat spans, 10 ms apart from T0, in batches of 512, as the ingest appends them."""
    store.write(lambda con: con.execute(
        "INSERT INTO spans (span_key, batch_id, project, trace_id, span_id, start_time, "
        "duration_ms, operation, received_at) SELECT i::UHUGEINT, i // 512 + 1, 'p', 't', 's', "
        "?::TIMESTAMPTZ + to_milliseconds(i * 10), 100.0, 'chat', "
        "?::TIMESTAMPTZ + to_milliseconds(i * 10) FROM range(?) r(i)", [T0, T0, count],
    )).result()  # fmt: skip


def _row_groups_scanned(store: DuckDBStore, sql: str, params: list[Any]) -> int:
    rows = store.read(lambda cur: cur.execute(f"EXPLAIN (ANALYZE, FORMAT json) {sql}", params)
                      .fetchall())  # fmt: skip
    return json.loads(rows[0][1])["query"]["total_row_groups_scanned"]


def test_raw_parts_scan_only_row_groups_they_need_when_store_is_large(
    store: DuckDBStore,
) -> None:
    count = 3 * ROW_GROUP
    _fill_spans(store, count)
    end = T0 + timedelta(hours=2)  # minute-aligned: no raw edge on the right
    mark = (count - 1000) // 512  # the tail past the watermark lies in the last row group
    whole = rollup_sql.Read("p", [(T0, end)], "all", "day", None, BIG)
    assert _row_groups_scanned(store, *rollup_sql.stats_sql(whole, mark)) == 1
    assert _row_groups_scanned(store, *rollup_sql.hist_sql(whole, mark, None)) == 1
    # A raw edge (12:00:00.5 to the next minute) lies in the first row group.
    edge = rollup_sql.Read("p", [(T0 + timedelta(seconds=0.5), end)], "all", "day", None, BIG)
    assert _row_groups_scanned(store, *rollup_sql.stats_sql(edge, mark)) == 2


def test_large_merge_keeps_rollup_row_groups_in_time_order(store: DuckDBStore) -> None:
    minutes = 3 * ROW_GROUP  # one row per minute: a backlog of 256 days merged in one tick
    stats = store.read(lambda cur: cur.sql(
        f"SELECT 'minute' AS grain, ?::TIMESTAMPTZ + to_minutes(i) AS bucket, 'p' AS project, "
        f"'all' AS dim, '' AS value, {', '.join(f'1::BIGINT AS {m}' for m in MEASURES)} "
        "FROM range(?) r(i) ORDER BY hash(i)", params=[T0, minutes]).to_arrow_table())  # fmt: skip
    latency = (
        stats.select(["grain", "bucket", "project", "dim", "value"])
        .append_column("bin", pa.array([1] * minutes, pa.int16()))
        .append_column("n", stats.column("spans"))
    )
    store.write(lambda con: merge_deltas(con, stats, latency)).result()
    for kind in ("stats", "latency"):
        spans = store.query(
            f"SELECT max(bucket) - min(bucket) AS span FROM {table(kind, 'minute', 'all')} "
            f"GROUP BY rowid // {ROW_GROUP}")  # fmt: skip
        # Each row group covers about its own share of the 256 days (85), not all of them.
        assert max(r["span"] for r in spans) < timedelta(minutes=2 * ROW_GROUP), kind


def test_percentile_bins_merge_repeated_rows_given_in_any_order() -> None:
    rows = pa.table({
        "bucket": pa.array([60, 0, 0, 0, 60, 0], pa.int64()),
        "value": ["b", "a", "a", "a", "b", "a"],
        "bin": pa.array([5, 3, 1, 3, 4, 2], pa.int16()),
        "n": pa.array([1, 2, 1, 1, 3, 6], pa.int64()),
    })  # fmt: skip
    # "a": bins 1, 2, 3 hold 1, 6, 3 of 10: ranks 5, 10, 10. "b": bins 4, 5 hold 3, 1 of 4.
    assert rollup_query.percentile_bins(rows) == {(0, "a"): (2, 3, 3), (60, "b"): (4, 5, 5)}
