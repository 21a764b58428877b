"""Recompute the chain and name what broke: which batch, which spans, what kind of change.

Three layers are checked, each against the one above it:
1. every stored span against its index entry in `audit_spans` (row digest recomputed in SQL);
2. every batch's index entries against its chain record (`rows_sha256`, `span_count`);
3. every chain record against its predecessor (`prev_sha256`, `seq`) and its own hash, and
   against the store's own `ingest_batches` row.
Runs on one snapshot, so a collector that keeps ingesting cannot make it report a false break.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import duckdb

from collector.audit.canonical import (
    EMPTY_PAYLOAD_SHA256,
    EMPTY_ROWS_SHA256,
    payload_sql,
    row_from_prefix_sql,
    row_prefix_sql,
)
from collector.audit.db import fetch_dicts
from collector.audit.report import Problem, VerifyReport
from collector.audit.walk import walk_chain

SPANS_NAMED = 20  # per problem; the count says how many there are in all

# Digests are computed before the join, so only narrow rows are joined: a span whose payload
# was dropped carries its encoded fields along, to be re-hashed with the kept payload digest.
_SPAN_CHECK = f"""
WITH base AS (
  SELECT s.span_key, s.batch_id, s.project, s.trace_id, s.span_id, s.received_at,
         (s.content IS NULL AND s.attributes IS NULL AND s.events IS NULL) AS dropped,
         {payload_sql("s")} AS live_payload, {row_prefix_sql("s")} AS prefix
  FROM spans s WHERE ($p IS NULL OR s.project = $p)),
live AS (
  SELECT span_key, batch_id, project, trace_id, span_id, received_at, dropped, live_payload,
         {row_from_prefix_sql("prefix", "live_payload")} AS live_row,
         CASE WHEN dropped THEN prefix END AS dropped_prefix
  FROM base),
idx AS (SELECT span_key AS i_key, batch_id AS i_batch, project AS i_project,
               trace_id AS i_trace, span_id AS i_span, payload_sha256 AS i_payload,
               row_sha256 AS i_row
        FROM audit_spans WHERE ($p IS NULL OR project = $p)),
cutoffs AS (SELECT project AS c_project, max(cutoff) AS cutoff
            FROM audit_retention_runs GROUP BY project),
found AS (
  SELECT coalesce(project, i_project) AS f_project, coalesce(batch_id, i_batch) AS f_batch,
         coalesce(trace_id, i_trace) AS f_trace, coalesce(span_id, i_span) AS f_span,
         CASE WHEN i_key IS NULL THEN 'span_not_in_chain'
              WHEN span_key IS NULL THEN 'span_missing'
              WHEN batch_id <> i_batch THEN 'span_moved'
              WHEN (CASE WHEN dropped AND i_payload <> live_payload
                         THEN {row_from_prefix_sql("dropped_prefix", "i_payload")}
                         ELSE live_row END) <> i_row THEN 'span_altered'
              WHEN dropped AND i_payload <> '{EMPTY_PAYLOAD_SHA256}'
                   AND (cutoff IS NULL OR received_at >= cutoff) THEN 'payload_dropped'
         END AS kind
  FROM live FULL OUTER JOIN idx ON live.span_key = idx.i_key
  LEFT JOIN cutoffs ON c_project = coalesce(live.project, idx.i_project))
SELECT f_project, f_batch, kind, f_trace, f_span, n FROM (
  SELECT *, row_number() OVER (g ORDER BY f_trace, f_span) AS rn, count(*) OVER g AS n
  FROM found WHERE kind IS NOT NULL
  WINDOW g AS (PARTITION BY f_project, f_batch, kind))
WHERE rn <= {SPANS_NAMED}
ORDER BY f_project, f_batch, kind, f_trace, f_span
"""

_SPAN_DETAIL = {
    "span_not_in_chain": "stored span(s) that no chain record covers (inserted later)",
    "span_missing": "chained span(s) no longer in the store (deleted)",
    "span_moved": "span(s) now carry a different batch_id than when chained",
    "span_altered": "span(s) whose stored values no longer match their chained digest",
    "payload_dropped": "content dropped from span(s) newer than any retention cutoff",
}

_BATCH_DIGESTS = """SELECT project, batch_id, count(*)::BIGINT,
       sha256(string_agg(row_sha256, ',' ORDER BY trace_id, span_id))
FROM audit_spans WHERE ($p IS NULL OR project = $p) GROUP BY project, batch_id"""

_CHAIN = """SELECT project, seq, batch_id, alg, key_id, span_count,
       epoch_us(received_at) AS received_at_us, rows_sha256, prev_sha256, record_sha256
FROM audit_chain WHERE ($p IS NULL OR project = $p) ORDER BY project, seq"""

_BATCHES = """SELECT batch_id, project, key_id, span_count, epoch_us(received_at)
FROM ingest_batches WHERE ($p IS NULL OR project = $p)"""


def verify(con: duckdb.DuckDBPyConnection, project: str | None = None) -> VerifyReport:
    """Verify one project's chain, or every project's when `project` is None."""
    params = {"p": project}
    with _snapshot(con):
        span_problems = _span_problems(con, params)
        digests = {(p, b): (n, d) for p, b, n, d in con.execute(_BATCH_DIGESTS, params).fetchall()}
        records = fetch_dicts(con, _CHAIN, params)
        batches = {r[0]: r for r in con.execute(_BATCHES, params).fetchall()}
        stats = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE content IS NULL AND attributes IS NULL "
            "AND events IS NULL) FROM spans WHERE ($p IS NULL OR project = $p)",
            params,
        ).fetchone()
    walked = walk_chain(records, digests, batches, EMPTY_ROWS_SHA256)
    report = VerifyReport(
        projects=walked.heads,
        spans_checked=int(stats[0]) if stats else 0,
        spans_without_payload=int(stats[1]) if stats else 0,
        batches_checked=len(records),
    )
    report.add(walked.problems + span_problems, walked.seq_of)
    return report


@contextlib.contextmanager
def _snapshot(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    finally:
        con.execute("ROLLBACK")


def _span_problems(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> list[Problem]:
    grouped: dict[tuple[str, int, str], Problem] = {}
    for project, batch, kind, trace_id, span_id, n in con.execute(_SPAN_CHECK, params).fetchall():
        problem = grouped.get((project, batch, kind))
        if problem is None:
            problem = Problem(project, batch, kind, _SPAN_DETAIL[kind], span_count=int(n))
            grouped[(project, batch, kind)] = problem
        problem.spans.append({"trace_id": trace_id, "span_id": span_id})
    return list(grouped.values())
