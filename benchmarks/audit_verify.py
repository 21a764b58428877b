"""Audit trail at scale: chain 1M spans, then verify them all (target: < 30 s).

    /work/venv/bin/python benchmarks/audit_verify.py --spans 1000000 --overhead 100000

Rows are generated once by DuckDB into an Arrow table (~0.9 KB of redacted content,
attributes and resource per span, 4 projects). The store is filled by a bulk loader that does
what the ingest path does, 40 batches per transaction: insert the batches' rows and their
`ingest_batches` rows, then call the audit commit hook (`chain_batches`) in the same
transaction. Then `verify` runs over every project, and again after retention dropped half
the payloads. `--db PATH` keeps the store for later runs (they skip the load and only verify,
~1/3 of the time). `--overhead N` prices the hook on the real path: N spans through
`DuckDBStore.ingest` in 512-span batches (the OTel SDK's export size), with and without it.
Times are wall and process CPU seconds (CPU includes every DuckDB thread).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from concurrent.futures import Future
from datetime import timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from collector.audit import chain_batches, install, verify
from collector.audit.retention import run_retention
from collector.schema import ARROW_SCHEMA
from collector.store import CommittedBatch, DuckDBStore, IngestBatch

PROJECTS = 4
WINDOW = 32  # batches in flight; the store's queue holds 64

_ROWS = """
SELECT 'bench-' || (i % 4) AS project, md5((i // 8)::VARCHAR) AS trace_id,
  substr(md5(i::VARCHAR), 1, 16) AS span_id,
  CASE WHEN i % 8 = 0 THEN NULL ELSE substr(md5((i - i % 8)::VARCHAR), 1, 16) END,
  'svc-' || i % 3, 'span ' || i % 5, 'client', t, t + INTERVAL 1 SECOND,
  50.0 + (i * 7919) % 5000 / 7.0, CASE WHEN i % 50 = 0 THEN 'error' ELSE 'ok' END, NULL,
  CASE WHEN i % 8 < 3 THEN 'execute_tool' ELSE 'chat' END, 'anthropic', 'claude-' || i % 4,
  NULL, 1000 + i % 500, 100 + i % 50, i % 300, 0, 0.0001 * (1 + i % 97) / 3, 'stop',
  CASE WHEN i % 8 < 3 THEN 'tool_' || i % 5 END, NULL, 'agent-' || i % 2, 'user-' || i % 1000,
  'sess-' || i // 20, 'tenant-' || i % 10, NULL, NULL, NULL, NULL,
  '{"gen_ai.operation.name": "chat", "gen_ai.request.model": "claude-' || i % 4 ||
    '", "anthropic.request.id": "req_' || md5(i::VARCHAR) || '"}',
  '{"service.name": "svc"}', '[]', '[]',
  '{"input_messages": [{"role": "user", "parts": [{"type": "text", "content": "' ||
    repeat('Where is my order <EMAIL_ADDRESS> number ' || i % 977 || '? ', 9) ||
    '"}]}], "output_messages": [{"role": "assistant", "parts": [{"type": "text", ' ||
    '"content": "It shipped yesterday."}]}]}',
  '{"by": "tracevault-sdk", "entities": {"EMAIL_ADDRESS": 9}}', t + INTERVAL 2 SECOND,
  (i // 1000)::UBIGINT AS key_hi, i::UBIGINT AS key_lo
FROM (SELECT i, TIMESTAMPTZ '2025-06-01 00:00:00+00' + i * INTERVAL 3 SECOND AS t
      FROM range(?) r(i))
ORDER BY i
"""


def generate(spans: int) -> pa.Table:
    table = duckdb.connect().sql(_ROWS.replace("?", str(int(spans)))).to_arrow_table()
    names = [*ARROW_SCHEMA.names, "key_hi", "key_lo"]
    return table.rename_columns(names).cast(
        pa.schema([*ARROW_SCHEMA, ("key_hi", pa.uint64()), ("key_lo", pa.uint64())])
    )


def _slices(table: pa.Table, batch: int) -> list[tuple[str, pa.Table]]:
    """Batches of one project each, as the ingest path forms them."""
    out = []
    for p in range(PROJECTS):
        rows = table.filter(pc.equal(table["project"], f"bench-{p}"))
        out += [(f"bench-{p}", rows.slice(o, batch)) for o in range(0, rows.num_rows, batch)]
    return out


def bulk_load(store: DuckDBStore, table: pa.Table, batch: int, per_txn: int = 40) -> dict:
    """Rows, ingest_batches rows and chain records, as DuckDBStore._insert would commit them."""
    started, cpu = time.perf_counter(), time.process_time()
    slices = _slices(table, batch)
    for first in range(0, len(slices), per_txn):
        group = list(enumerate(slices[first : first + per_txn], start=first + 1))
        store.write(lambda con, group=group: _load(con, group)).result()
    return {"wall_s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu}


def _load(con: duckdb.DuckDBPyConnection, group: list[tuple[int, tuple[str, pa.Table]]]) -> None:
    parts = [
        t.append_column("batch_id", pa.array([b] * t.num_rows, pa.int64())) for b, (_, t) in group
    ]
    con.register("bulk_rows", pa.concat_tables(parts))
    columns = ", ".join(ARROW_SCHEMA.names)
    con.execute(
        "INSERT INTO spans SELECT (key_hi::UHUGEINT << 64) | key_lo::UHUGEINT, batch_id, "
        f"{columns} FROM bulk_rows"
    )
    con.unregister("bulk_rows")
    committed = [CommittedBatch(b, p, "k-bench", t.num_rows, t.num_rows) for b, (p, t) in group]
    for c in committed:
        con.execute(
            "INSERT INTO ingest_batches VALUES (?, ?, ?, ?, now())",
            [c.batch_id, c.project, c.key_id, c.inserted],
        )
    chain_batches(con, committed)


def ingest(store: DuckDBStore, table: pa.Table, batch: int) -> dict:
    """Feed slices of one project each through store.ingest; seconds until all committed."""
    started, cpu = time.perf_counter(), time.process_time()
    pending: list[Future[int]] = []
    for project, rows in _slices(table, batch):
        pending.append(store.ingest(IngestBatch(project, "k-bench", rows)))
        if len(pending) >= WINDOW:
            pending.pop(0).result()
    for fut in pending:
        fut.result()
    return {"wall_s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu}


def timed_verify(store: DuckDBStore) -> tuple[dict, dict]:
    """Wall seconds, and CPU seconds of this process (all of DuckDB's threads included)."""
    started, cpu = time.perf_counter(), time.process_time()
    report = store.read(lambda con: verify(con))
    seconds = {"wall_s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu}
    assert report.ok, report.summary()
    return seconds, {"batches": report.batches_checked, "spans": report.spans_checked}


def run(spans: int, batch: int, overhead: int, db: Path) -> dict:
    out: dict = {"spans": spans, "batch": batch}
    table = generate(spans)
    fresh = not db.exists()
    store = DuckDBStore(db)
    install(store)
    if fresh:
        out["bulk_load"] = bulk_load(store, table, batch)
    out["verify"], out["checked"] = timed_verify(store)
    store.close()
    # Retention changes the store: run it on a copy so a kept --db stays reusable.
    copy = db.with_name(db.stem + "-retention.duckdb")
    shutil.copy(db, copy)
    store = DuckDBStore(copy)
    out["retention"] = _retention(store, table, spans)
    out["verify_after_retention"], _ = timed_verify(store)
    store.close()
    copy.unlink()
    out["db_mb"] = round(db.stat().st_size / 2**20)
    if overhead:
        out["overhead"] = _overhead(table.slice(0, overhead), 512, db.parent)
    return out


def _retention(store: DuckDBStore, table: pa.Table, spans: int) -> dict:
    """Retention as of 30 days after the middle span arrived: half the payloads go."""
    middle = table["received_at"][spans // 2].as_py()
    started = time.perf_counter()
    result = run_retention(store, middle + timedelta(days=30), default_days=30)
    return {"seconds": time.perf_counter() - started, "spans_dropped": result["total"]}


def _overhead(table: pa.Table, batch: int, workdir: Path) -> dict:
    timings = {}
    for hooked in (False, True):
        store = DuckDBStore(workdir / f"overhead-{hooked}.duckdb")
        if hooked:
            install(store)
        timings["with_hook" if hooked else "without_hook"] = ingest(store, table, batch)
        store.close()
    return {"spans": table.num_rows, **timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5_000, help="spans per ingest batch")
    parser.add_argument("--overhead", type=int, default=0, help="spans for the hook-cost run")
    parser.add_argument("--db", type=Path, default=None, help="keep the store here; reused "
                        "when it exists (same --spans), so later runs only verify")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "audit.duckdb"
        print(json.dumps(run(args.spans, args.batch, args.overhead, db), indent=2))


if __name__ == "__main__":
    main()
