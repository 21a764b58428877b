"""One tick of every scheduled job with N spans stored and 100k new since the last tick.

    /work/venv/bin/python benchmarks/jobs.py --stored 1000000 10000000 --new 100000

For each size: a DuckDB store is filled by SQL with `stored` spans over 30 days (512 spans per
ingest batch, in time order, as the ingest path writes them), the history is rolled up once
and every job's watermark set to its end (the state after earlier ticks); then `new` spans
arrive (last 10 minutes, 2% of them up to 3 hours late, 10% with content) and one tick of
all jobs is timed. Target: < 5 s, and no slower at 10M than at 1M stored spans.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analytics.jobs import default_jobs
from analytics.rollups import GRAINS, latency_sql, merge_deltas, stats_sql
from analytics.scheduler import JobRunner
from analytics.watermark import set_watermark
from collector.metrics import CollectorMetrics
from collector.settings import Settings
from collector.store import DuckDBStore

BATCH = 512
NOW = datetime.now(UTC).replace(microsecond=0)
CONTENT = ("'{\"input_messages\": [{\"role\": \"user\", \"parts\": [{\"type\": \"text\", "
           "\"content\": \"Where is my order ' || i % 977 || '?\"}]}], \"tool_arguments\": "
           "{\"q\": \"refund ' || i % 13 || '\"}, "
           "\"tool_result\": \"Order shipped.\"}'")  # fmt: skip

# Columns in spans order after span_key, batch_id. `i` is the row number, `t` its start time.
_ROW = f"""
  hash(i)::UHUGEINT << 64 | i::UHUGEINT, i // {BATCH} + ?, 'bench',
  md5((i // 10)::VARCHAR), substr(md5(i::VARCHAR), 1, 16),
  CASE WHEN i % 10 = 0 THEN NULL ELSE substr(md5((i - i % 10)::VARCHAR), 1, 16) END,
  'svc-' || i % 3, 'span', 'client', t, t + INTERVAL 1 SECOND, 50.0 + (i * 7919) % 5000,
  CASE WHEN i % 50 = 0 THEN 'error' ELSE 'ok' END, NULL,
  CASE WHEN i % 10 = 0 THEN 'invoke_agent' WHEN i % 10 < 4 THEN 'execute_tool' ELSE 'chat' END,
  'anthropic', 'claude-' || i % 4, NULL, 1000 + i % 500, 100 + i % 50, i % 300, 0,
  0.001 * (1 + i % 7), 'stop', CASE WHEN i % 10 BETWEEN 1 AND 3 THEN 'tool_' || i % 5 END, NULL,
  'agent-' || i % 2, 'user-' || i % 1000, 'sess-' || i // 20, 'tenant-' || i % 10,
  NULL, NULL, CASE WHEN i % 50 = 0 THEN 'transient' END, NULL, '{{}}', '{{}}', NULL, NULL,
  CASE WHEN i % 10 = 5 THEN {CONTENT} END, NULL, {{received}}
"""


def _fill(store: DuckDBStore, first: int, count: int, start: str, step_us: int,
          received: str, late_every: int = 0, template: str = _ROW) -> None:  # fmt: skip
    """Insert `count` spans numbered from `first` on the writer, in batches of BATCH.

    `template` is the SELECT list of one span (see _ROW); benchmarks/query_latency.py passes
    one with more projects and realistic dimension cardinalities."""
    late = f" - CASE WHEN i % {late_every} = 0 THEN INTERVAL 3 HOUR ELSE INTERVAL 0 SECOND END" \
        if late_every else ""  # fmt: skip
    row = template.replace("{received}", received)
    first_batch = first // BATCH + 1

    def write(con):  # type: ignore[no-untyped-def]
        con.execute(
            f"INSERT INTO spans SELECT {row} FROM (SELECT i, TIMESTAMPTZ '{start}' + "
            f"to_microseconds((i - {first}) * {step_us}){late} AS t "
            f"FROM range({first}, {first + count}) r(i))",
            [first_batch - first // BATCH],
        )
        con.execute(
            "INSERT INTO ingest_batches SELECT b + 1, 'bench', NULL, "
            f"least({BATCH}, {first + count} - b * {BATCH}), now() "
            f"FROM range({first // BATCH}, ({first + count} + {BATCH - 1}) // {BATCH}) r(b)"
        )

    store.write(write).result()


def _roll_history(store: DuckDBStore, hi: int, jobs: list[str], lo: int = 0) -> None:
    """Roll up batches (lo, hi] and set every job's watermark to hi."""
    where = "batch_id > ? AND batch_id <= ?"
    stats = store.read(lambda c: c.sql(stats_sql(where, list(GRAINS)), params=[lo, hi])
                       .to_arrow_table())  # fmt: skip
    lat = store.read(lambda c: c.sql(latency_sql(where, list(GRAINS)), params=[lo, hi])
                     .to_arrow_table())  # fmt: skip

    def write(con):  # type: ignore[no-untyped-def]
        merge_deltas(con, stats, lat)
        for job in jobs:
            set_watermark(con, job, hi, NOW)

    store.write(write).result()


def build(path: Path, stored: int, new: int) -> tuple[DuckDBStore, JobRunner]:
    store = DuckDBStore(path)
    settings = Settings()
    runner = JobRunner(store, settings, CollectorMetrics(), default_jobs())
    history = timedelta(days=30)
    step = int(history.total_seconds() * 1e6 / stored)
    t0 = time.perf_counter()
    _fill(store, 0, stored, (NOW - history - timedelta(minutes=10)).isoformat(), step,
          "t")  # fmt: skip
    hi = (stored + BATCH - 1) // BATCH
    _roll_history(store, hi, [s.name for s in runner.specs.values() if s.incremental])
    built = time.perf_counter() - t0
    start = (NOW - timedelta(minutes=10)).isoformat()
    _fill(store, hi * BATCH, new, start, int(600e6 / new), f"TIMESTAMPTZ '{NOW.isoformat()}'",
          late_every=50)  # fmt: skip
    print(f"  built {stored:,} stored spans + rollups in {built:.1f} s")
    return store, runner


def tick(runner: JobRunner) -> dict[str, float]:
    t0 = time.perf_counter()
    runs = runner.run_all("bench")
    total = time.perf_counter() - t0
    bad = [(r["job"], r["error"]) for r in runs if r["status"] != "ok"]
    assert not bad, bad
    return {"total": total, **{r["job"]: r["duration_ms"] / 1000 for r in runs}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stored", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--new", type=int, default=100_000)
    args = parser.parse_args()
    for stored in args.stored:
        with tempfile.TemporaryDirectory(prefix="tv-bench-") as tmp:
            print(f"stored={stored:,} new={args.new:,}")
            store, runner = build(Path(tmp) / "bench.duckdb", stored, args.new)
            try:
                result = tick(runner)
                rows = runner.store.query("SELECT count(*) AS n FROM spans")[0]["n"]
            finally:
                store.close()
            jobs = ", ".join(f"{k} {v:.2f}" for k, v in result.items() if k != "total")
            print(f"  spans in store {rows:,}; tick {result['total']:.2f} s ({jobs})")


if __name__ == "__main__":
    main()
