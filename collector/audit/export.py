"""JSONL export of chain records and the stored spans they cover, verifiable offline.

Lines, in order: one `header`; the `retention` runs; every chain `record` (by project, seq);
the `span`s of each record's batch (by trace_id, span_id), exactly as stored - JSON columns
stay the raw text that was hashed, timestamps are ISO 8601 in UTC; last, in a full export,
any stored span that no record covers. `tools/verify_export.py` checks an export with the
standard library alone.

Spans are read one batch at a time, so memory stays bounded by the largest batch.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import duckdb
import orjson

from collector.audit.canonical import ALG
from collector.audit.db import fetch_dicts
from collector.errors import BadRequestError
from collector.schema import FIELD_NAMES

FORMAT = "tracevault-audit-export"
_FLOATS = [i for i, name in enumerate(FIELD_NAMES) if name in ("duration_ms", "cost_usd")]

_RECORDS = """SELECT project, seq, batch_id, alg, key_id, span_count, received_at,
       epoch_us(received_at) AS received_at_us, rows_sha256, prev_sha256, record_sha256
FROM audit_chain WHERE ($p IS NULL OR project = $p)
  AND seq >= coalesce($lo, 0) AND seq <= coalesce($hi, 9223372036854775807)
ORDER BY project, seq"""

_COLUMNS = ", ".join("s." + f for f in FIELD_NAMES)
_BATCH_SPANS = f"""SELECT s.batch_id, i.payload_sha256, i.row_sha256, {_COLUMNS}
FROM spans s LEFT JOIN (SELECT * FROM audit_spans WHERE batch_id = $b) i
  ON i.span_key = s.span_key
WHERE s.batch_id = $b AND s.project = $p
ORDER BY s.trace_id, s.span_id"""

# Spans whose (project, batch) has no chain record: forged, or moved to another project.
_UNCHAINED_SPANS = f"""SELECT s.batch_id, i.payload_sha256, i.row_sha256, {_COLUMNS}
FROM spans s LEFT JOIN audit_spans i ON i.span_key = s.span_key AND i.batch_id = s.batch_id
WHERE ($p IS NULL OR s.project = $p) AND NOT EXISTS (
  SELECT 1 FROM audit_chain c WHERE c.project = s.project AND c.batch_id = s.batch_id)
ORDER BY s.batch_id, s.trace_id, s.span_id"""

_RETENTION = """SELECT project, days, cutoff, run_at, spans_dropped FROM audit_retention_runs
WHERE ($p IS NULL OR project = $p) ORDER BY run_at, project"""


def iter_export(
    con: duckdb.DuckDBPyConnection,
    project: str | None = None,
    from_seq: int | None = None,
    to_seq: int | None = None,
) -> Iterator[bytes]:
    """JSONL lines (UTF-8, newline-terminated) of one snapshot; `con` is used by this alone.

    Arguments are checked now, before the first line is asked for.
    """
    if (from_seq is not None or to_seq is not None) and project is None:
        raise BadRequestError("from_seq/to_seq need a project: sequences are per project")
    return _lines(con, project, from_seq, to_seq)


def _lines(
    con: duckdb.DuckDBPyConnection, project: str | None, from_seq: int | None, to_seq: int | None
) -> Iterator[bytes]:
    con.execute("SET TimeZone = 'UTC'")  # timestamps come back, and are written, in UTC
    con.execute("BEGIN TRANSACTION")
    try:
        records = fetch_dicts(con, _RECORDS, {"p": project, "lo": from_seq, "hi": to_seq})
        yield _line(_header(project, from_seq, to_seq, len(records)))
        for run in fetch_dicts(con, _RETENTION, {"p": project}):
            yield _line({"type": "retention", **run})
        for record in records:
            yield _line({"type": "record", **record})
        for record in records:
            yield from _spans(con, _BATCH_SPANS, {"b": record["batch_id"], "p": record["project"]})
        if from_seq is None and to_seq is None:
            yield from _spans(con, _UNCHAINED_SPANS, {"p": project})
    finally:
        con.execute("ROLLBACK")


def _header(project: str | None, lo: int | None, hi: int | None, n: int) -> dict[str, Any]:
    return {"type": "header", "format": FORMAT, "version": 1, "alg": ALG, "project": project,
            "from_seq": lo, "to_seq": hi, "records": n,
            "exported_at": datetime.now(UTC).isoformat(timespec="microseconds")}  # fmt: skip


def _spans(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> Iterator[bytes]:
    for batch_id, payload, row_hash, *values in con.execute(sql, params).fetchall():
        for i in _FLOATS:
            values[i] = _finite(values[i])
        row = dict(zip(FIELD_NAMES, values, strict=True))
        yield _line({"type": "span", "batch_id": batch_id, "payload_sha256": payload,
                     "row_sha256": row_hash, "row": row})  # fmt: skip


def _finite(value: Any) -> Any:
    # JSON has no NaN/Infinity (orjson would write null): they travel as strings float() reads.
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def _line(obj: dict[str, Any]) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE)
