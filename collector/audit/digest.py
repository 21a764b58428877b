"""Audit digests of a batch, computed before the batch reaches the writer.

Hashing is most of the audit trail's cost, and inside the writer's transaction it serialized
every ingest behind it. The digests depend only on the batch's rows, so a batch preparer
computes them on the request thread, in parallel with the writer, and the writer only stores
them — when every row of the batch was inserted under its batch id; a batch with duplicates
falls back to hashing what was actually stored (`chain.chain_batches`, in SQL).

Why Arrow compute + hashlib and not the SQL form (`canonical.row_sql`): DuckDB spends ~27 ms
planning that 200-node expression on every query, ~50 µs a span for a 512-span request, and a
prepared statement cannot be pointed at the next request's table. Here the length-prefixed text
is built column-wise by Arrow (no Python per value except doubles, which need C `%.17g`) and
only the SHA-256 calls run per row. The text is `canonical.encode` exactly; tests hold the three
forms (Python, SQL, this) equal, and `audit verify` re-hashes the stored rows with the SQL one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from collector.audit.canonical import (
    FIELD_KINDS,
    ROW_FIELDS,
    field_text,
    payload_sha256,
    rows_sha256,
)
from collector.store.base import IngestBatch

KEY = "audit"
_IDS = ("key_hi", "key_lo", "project", "trace_id", "span_id")


@dataclass(frozen=True, slots=True)
class BatchDigest:
    rows: pa.Table  # per span: key_hi, key_lo, project, trace_id, span_id, payload/row sha256
    rows_sha256: str


def _text(column: pa.ChunkedArray, kind: str) -> pa.ChunkedArray | pa.Array:
    """A column as `canonical.field_text` writes it (None stays null)."""
    if kind == "float":
        return pa.array([field_text(kind, v) for v in column.to_pylist()], pa.string())
    if kind == "ts":
        return pc.cast(pc.cast(column, pa.int64()), pa.string())
    if kind == "int":
        return pc.cast(column, pa.string())
    return column


def _field(text: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """`len:text`, or `-` for null (the join is null when any part is)."""
    length = pc.cast(pc.binary_length(text), pa.string())
    return pc.fill_null(pc.binary_join_element_wise(length, text, ":"), "-")


def _prefixes(table: pa.Table) -> list[str]:
    fields = [_field(_text(table.column(name), FIELD_KINDS[name])) for name in ROW_FIELDS]
    return pc.binary_join_element_wise(*fields, ",").to_pylist()


def digest_table(table: pa.Table) -> BatchDigest:
    """Audit rows and the batch digest of canonical rows (a `rows_to_table` table)."""
    payloads = [
        payload_sha256(c, a, e)
        for c, a, e in zip(
            table.column("content").to_pylist(),
            table.column("attributes").to_pylist(),
            table.column("events").to_pylist(),
            strict=True,
        )
    ]
    row_hashes = [
        hashlib.sha256(f"{prefix},64:{payload}".encode()).hexdigest()
        for prefix, payload in zip(_prefixes(table), payloads, strict=True)
    ]
    trace_ids, span_ids = table.column("trace_id").to_pylist(), table.column("span_id").to_pylist()
    ids = zip(trace_ids, span_ids, strict=True)
    order = sorted(zip(ids, row_hashes, strict=True))
    rows = (
        table.select(list(_IDS))
        .append_column("payload_sha256", pa.array(payloads, pa.string()))
        .append_column("row_sha256", pa.array(row_hashes, pa.string()))
    )
    return BatchDigest(rows, rows_sha256(h for _, h in order))


def prepare_batch(batch: IngestBatch) -> None:
    """Batch preparer (see `Store.add_batch_preparer`); a worker process may have done it."""
    if KEY not in batch.derived:
        batch.derived[KEY] = digest_table(batch.table)
