"""Per-job watermarks over ingest batch ids, and the bounded batch range of one tick.

A job reads only spans with `lo < batch_id <= hi`. Spans are appended in batch order, so
DuckDB's per-row-group min/max of batch_id skips every older row group: the cost of a tick
follows the number of new spans, not the size of the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from collector.store import Store


@dataclass(frozen=True, slots=True)
class BatchRange:
    lo: int  # exclusive: the watermark before this tick
    hi: int  # inclusive

    @property
    def empty(self) -> bool:
        return self.hi <= self.lo


def read_watermark(store: Store, job: str) -> int:
    rows = store.query("SELECT batch_id FROM job_watermarks WHERE job = ?", [job])
    return int(rows[0]["batch_id"]) if rows else 0


def set_watermark(con: duckdb.DuckDBPyConnection, job: str, batch_id: int, now: datetime) -> None:
    """Called inside the job's own write transaction, so results and watermark commit together."""
    con.execute(
        "INSERT INTO job_watermarks VALUES (?, ?, ?) ON CONFLICT (job) DO UPDATE "
        "SET batch_id = excluded.batch_id, updated_at = excluded.updated_at",
        [job, batch_id, now],
    )


def next_range(store: Store, lo: int, max_spans: int, ceiling: int | None = None) -> BatchRange:
    """Batches after `lo` holding at most `max_spans` spans (at least one batch), so a
    backlog is worked off in bounded ticks; `ceiling` caps hi at a job we depend on."""
    rows = store.query(
        "SELECT max(batch_id) AS hi FROM (SELECT batch_id, "
        "sum(span_count) OVER (ORDER BY batch_id) AS running, "
        "row_number() OVER (ORDER BY batch_id) AS rn FROM ingest_batches WHERE batch_id > ?) "
        "WHERE running <= ? OR rn = 1",
        [lo, max_spans],
    )
    hi = rows[0]["hi"]
    hi = lo if hi is None else int(hi)
    if ceiling is not None:
        hi = min(hi, ceiling)
    return BatchRange(lo, max(hi, lo))
