"""The hash chain: tables (migration 2) and the commit hook that extends the chain.

The hook runs on the store's writer thread inside each ingest transaction, so a batch and its
chain record commit together or not at all. Per batch it indexes the batch's rows in
`audit_spans` (payload digest + row digest) and appends one `audit_chain` record to the batch's
project chain. The digests were usually computed before the writer (`digest.prepare_batch`);
a batch not stored whole (duplicates) or not prepared is hashed here from its stored rows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from collector.audit import digest as prepared_digest
from collector.audit.canonical import (
    ALG,
    EMPTY_ROWS_SHA256,
    ZERO_HASH,
    payload_sql,
    record_sha256,
    row_sql,
)
from collector.store.base import CommittedBatch, Store

_TABLES = (
    """CREATE TABLE audit_chain (
    project VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    batch_id BIGINT NOT NULL,
    alg VARCHAR NOT NULL,
    key_id VARCHAR,
    span_count BIGINT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    rows_sha256 VARCHAR NOT NULL,
    prev_sha256 VARCHAR NOT NULL,
    record_sha256 VARCHAR NOT NULL,
    PRIMARY KEY (project, seq)
)""",
    # No primary key: uniqueness comes from spans, and verify notices duplicates anyway.
    """CREATE TABLE audit_spans (
    span_key UHUGEINT NOT NULL,
    batch_id BIGINT NOT NULL,
    project VARCHAR NOT NULL,
    trace_id VARCHAR NOT NULL,
    span_id VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    row_sha256 VARCHAR NOT NULL
)""",
    """CREATE TABLE audit_access_log (
    accessed_at TIMESTAMPTZ NOT NULL,
    key_id VARCHAR,
    project VARCHAR,
    role VARCHAR,
    action VARCHAR NOT NULL,
    detail VARCHAR
)""",
    """CREATE TABLE audit_retention_policy (
    project VARCHAR PRIMARY KEY,
    days INTEGER NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
)""",
    """CREATE TABLE audit_retention_runs (
    run_at TIMESTAMPTZ NOT NULL,
    project VARCHAR NOT NULL,
    days INTEGER NOT NULL,
    cutoff TIMESTAMPTZ NOT NULL,
    spans_dropped BIGINT NOT NULL
)""",
)

_IN_BATCHES = "batch_id BETWEEN ? AND ? AND list_contains(?::BIGINT[], batch_id)"

_INDEX_SQL = f"""INSERT INTO audit_spans
SELECT r.span_key, r.batch_id, r.project, r.trace_id, r.span_id, r.payload,
       {row_sql("r", "r.payload")}
FROM (SELECT s.*, {payload_sql("s")} AS payload FROM spans s WHERE {_IN_BATCHES}) r"""

_PREPARED_SQL = """INSERT INTO audit_spans
SELECT (key_hi::UHUGEINT << 64) | key_lo::UHUGEINT, batch_id, project, trace_id, span_id,
       payload_sha256, row_sha256
FROM audit_prepared_rows"""

_DIGEST_SQL = f"""SELECT batch_id, count(*)::BIGINT,
       sha256(string_agg(row_sha256, ',' ORDER BY trace_id, span_id))
FROM audit_spans WHERE {_IN_BATCHES} GROUP BY batch_id"""

_HEADS_SQL = """SELECT project, max(seq), arg_max(record_sha256, seq) FROM audit_chain
WHERE list_contains(?::VARCHAR[], project) GROUP BY project"""

_CHAIN_SCHEMA = pa.schema(
    [
        ("project", pa.string()),
        ("seq", pa.int64()),
        ("batch_id", pa.int64()),
        ("alg", pa.string()),
        ("key_id", pa.string()),
        ("span_count", pa.int64()),
        ("received_at", pa.timestamp("us", tz="UTC")),
        ("rows_sha256", pa.string()),
        ("prev_sha256", pa.string()),
        ("record_sha256", pa.string()),
    ]
)


def m002_audit(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in _TABLES:
        con.execute(ddl)
    # Batches stored before the audit trail existed are chained now, so verify covers them.
    rows = con.execute(
        "SELECT batch_id, project, key_id, span_count FROM ingest_batches ORDER BY batch_id"
    ).fetchall()
    chain_batches(con, [CommittedBatch(b, p, k, n, n) for b, p, k, n in rows])


def install(store: Store) -> None:
    """Chain every batch the store commits from now on, hashing on the submitting threads."""
    store.add_batch_preparer(prepared_digest.prepare_batch)
    store.add_commit_hook(chain_batches)


def _window(ids: list[int]) -> list[Any]:
    ids = sorted(ids)
    return [ids[0], ids[-1], ids]


def _digest_stored(con: duckdb.DuckDBPyConnection, ids: list[int]) -> dict[int, tuple[int, str]]:
    """Index and digest batches from their stored rows (the fallback, all SQL)."""
    if not ids:
        return {}
    window = _window(ids)
    con.execute(_INDEX_SQL, window)
    return {b: (n, d) for b, n, d in con.execute(_DIGEST_SQL, window).fetchall()}


def _store_prepared(
    con: duckdb.DuckDBPyConnection, batches: list[CommittedBatch]
) -> dict[int, tuple[int, str]]:
    """Index batches whose digests were prepared before the writer: one Arrow insert."""
    if not batches:
        return {}
    parts = []
    for batch in batches:
        rows = batch.derived[prepared_digest.KEY].rows
        ids = pa.array([batch.batch_id] * rows.num_rows, pa.int64())
        parts.append(rows.append_column("batch_id", ids))
    con.register("audit_prepared_rows", pa.concat_tables(parts))
    try:
        con.execute(_PREPARED_SQL)
    finally:  # an aborted transaction refuses even unregister(); the writer rolls back
        with contextlib.suppress(duckdb.Error):
            con.unregister("audit_prepared_rows")
    return {b.batch_id: (b.span_count, b.derived[prepared_digest.KEY].rows_sha256) for b in batches}


def _is_prepared(batch: CommittedBatch) -> bool:
    # Prepared digests cover the batch's rows; they are the stored rows only if all went in.
    return prepared_digest.KEY in batch.derived and batch.inserted == batch.span_count


def chain_batches(con: duckdb.DuckDBPyConnection, batches: Sequence[CommittedBatch]) -> None:
    """Commit hook: index the batches' rows and append one chain record per batch."""
    if not batches:
        return
    window = _window([b.batch_id for b in batches])
    digests = _store_prepared(con, [b for b in batches if _is_prepared(b)])
    digests |= _digest_stored(con, [b.batch_id for b in batches if not _is_prepared(b)])
    received = dict(
        con.execute(
            f"SELECT batch_id, epoch_us(received_at) FROM ingest_batches WHERE {_IN_BATCHES}",
            window,
        ).fetchall()
    )
    heads = _heads(con, sorted({b.project for b in batches}))
    records = []
    for batch in sorted(batches, key=lambda b: b.batch_id):
        count, digest = digests.get(batch.batch_id, (0, EMPTY_ROWS_SHA256))
        record = _next_record(heads, batch, count, digest, received[batch.batch_id])
        heads[batch.project] = (record["seq"], record["record_sha256"])
        records.append(record)
    _insert_records(con, records)


def _heads(con: duckdb.DuckDBPyConnection, projects: list[str]) -> dict[str, tuple[int, str]]:
    rows = con.execute(_HEADS_SQL, [projects]).fetchall()
    return {project: (int(seq), digest) for project, seq, digest in rows}


def _next_record(
    heads: dict[str, tuple[int, str]],
    batch: CommittedBatch,
    count: int,
    digest: str,
    received_at_us: int,
) -> dict[str, Any]:
    seq, prev = heads.get(batch.project, (0, ZERO_HASH))
    record: dict[str, Any] = {
        "project": batch.project,
        "seq": seq + 1,
        "batch_id": batch.batch_id,
        "alg": ALG,
        "key_id": batch.key_id,
        "span_count": count,
        "received_at_us": received_at_us,
        "rows_sha256": digest,
        "prev_sha256": prev,
    }
    record["record_sha256"] = record_sha256(record)
    return record


def _insert_records(con: duckdb.DuckDBPyConnection, records: list[dict[str, Any]]) -> None:
    # One Arrow insert per commit: executemany costs ~1.6 ms a row in DuckDB.
    times = pa.array([r["received_at_us"] for r in records], pa.int64())
    arrays = [
        times.cast(f.type)
        if f.name == "received_at"
        else pa.array([r[f.name] for r in records], f.type)
        for f in _CHAIN_SCHEMA
    ]
    table = pa.Table.from_arrays(arrays, schema=_CHAIN_SCHEMA)
    con.register("audit_new_records", table)
    try:
        con.execute("INSERT INTO audit_chain SELECT * FROM audit_new_records")
    finally:
        con.unregister("audit_new_records")
