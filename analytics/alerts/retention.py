"""Retention of the alert history and the delivery records: the scheduled job "alert_retention".

Rows older than `alert_history_days` (default 90; 0 keeps everything) are deleted:

- `alert_events`: episodes resolved before the cutoff, and episodes left firing by a deleted
  rule that fired before it. The episode a firing `alert_state` row points at is the rule's
  current one (later ticks update it) and always stays; `alert_state` is never touched.
- `notify_outbox`: delivered or failed rows that finished before the cutoff (`delivered_at`, or
  for a failed row the time its last attempt was due). Rows still pending always stay.
- `notify_deliveries`: attempts made before the cutoff, except those of an outbox row that is
  still pending (its retries are still going on).

Every 5 minutes the job picks at most MAX_ROWS_PER_TABLE rows per table, oldest first, on a
reader (the run's `rows_read`), and deletes exactly those on the writer in the transaction that
records the run (its `rows_pruned`). The delete checks each row's condition again: a row that
is no longer due is never deleted, so `rows_pruned` can be lower than `rows_read`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from analytics.scheduler import JobContext, JobOutcome, JobSpec

log = logging.getLogger(__name__)
INTERVAL_S = 300.0
# Rows deleted per table per run, oldest first. DuckDB pays ~15-25 µs per row deleted from a
# primary-keyed table when the transaction commits, on the one writer that also serves ingest
# (300k rows in one run held it 11 s); 5,000 a table holds it under half a second, and a
# backlog goes run by run.
MAX_ROWS_PER_TABLE = 5_000


@dataclass(frozen=True)
class _Table:
    name: str
    key: str
    ended: str  # when a row's record ended: the row goes once this is before the cutoff
    keep: str  # rows that stay whatever their age

    @property
    def due(self) -> str:
        """The rows past retention; one `?`, the cutoff."""
        return f"{self.ended} < ? AND NOT ({self.keep})"


_TABLES = (
    _Table(
        "alert_events",
        "event_id",
        "coalesce(resolved_at, fired_at)",
        # the episode a firing state points at: later ticks still update it
        "event_id IN (SELECT event_id FROM alert_state "
        "WHERE state = 'firing' AND event_id IS NOT NULL)",
    ),
    _Table(
        "notify_outbox",
        "outbox_id",
        "coalesce(delivered_at, next_attempt_at)",
        "status NOT IN ('delivered', 'failed')",
    ),
    _Table(
        "notify_deliveries",
        "delivery_id",
        "attempted_at",
        # the attempts of an item still being retried; a NULL outbox_id (a rule's test
        # notification) is in no outbox, and must not make the IN unknown
        "coalesce(outbox_id IN (SELECT outbox_id FROM notify_outbox "
        "WHERE status = 'pending'), false)",
    ),
)


def pick(
    con: duckdb.DuckDBPyConnection, cutoff: datetime, limit: int = MAX_ROWS_PER_TABLE
) -> dict[str, list[str]]:
    """Ids of the rows past retention per table, oldest first, at most `limit` (read-only)."""
    picked = {}
    for t in _TABLES:
        sql = f"SELECT {t.key} FROM {t.name} WHERE {t.due} ORDER BY {t.ended}, {t.key} LIMIT ?"
        picked[t.name] = [row[0] for row in con.execute(sql, [cutoff, limit]).fetchall()]
    return picked


def delete(
    con: duckdb.DuckDBPyConnection, picked: dict[str, list[str]], cutoff: datetime
) -> dict[str, int]:
    """Delete the picked rows that are still due; returns the rows deleted per table."""
    deleted = {}
    for t in _TABLES:
        ids = picked.get(t.name, [])
        if not ids:
            deleted[t.name] = 0
            continue
        row = con.execute(
            f"DELETE FROM {t.name} WHERE {t.due} AND {t.key} IN (SELECT unnest(?::VARCHAR[]))",
            [cutoff, ids],
        ).fetchone()
        deleted[t.name] = int(row[0]) if row else 0
    return deleted


def cutoff_for(now: datetime, days: int) -> datetime | None:
    """Rows older than this go; None when the history is kept forever (0 days)."""
    return now - timedelta(days=days) if days > 0 else None


def _run(ctx: JobContext) -> JobOutcome:
    cutoff = cutoff_for(ctx.now, ctx.settings.alert_history_days)
    if cutoff is None:
        return JobOutcome()
    picked = ctx.store.read(lambda con: pick(con, cutoff, MAX_ROWS_PER_TABLE))

    def drop(con: duckdb.DuckDBPyConnection) -> int:
        deleted = delete(con, picked, cutoff)
        log.info("alert retention before %s deleted %s", cutoff, deleted)
        return sum(deleted.values())

    return JobOutcome(rows_read=sum(len(ids) for ids in picked.values()), prune=drop)


JOB = JobSpec("alert_retention", _run, incremental=False, interval_s=INTERVAL_S)
