"""Canonical rows -> Arrow tables, built on the request thread, not the writer.

Two entry points build the same schema: `rows_to_table` for the ingest path (tuples from
`normalize.to_row`, times as integer microseconds) and `records_to_table` for record dicts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

from collector.normalize import ROW_FIELDS, TIME_FIELDS
from collector.schema import ARROW_SCHEMA, FIELD_NAMES

_KEY_SCHEMA = pa.schema([("key_hi", pa.uint64()), ("key_lo", pa.uint64())])
TABLE_SCHEMA = pa.schema(list(ARROW_SCHEMA) + list(_KEY_SCHEMA))
_TIMESTAMP = ARROW_SCHEMA.field("received_at").type
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def span_key(project: str, trace_id: str, span_id: str) -> tuple[int, int]:
    """128-bit identity of a span within a project, split in two uint64 for Arrow."""
    digest = hashlib.blake2b(f"{project}\0{trace_id}\0{span_id}".encode(), digest_size=16).digest()
    return int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:], "big")


def _key_columns(ids: Sequence[tuple[str, str, str]]) -> list[pa.Array]:
    keys = [span_key(project, trace_id, span_id) for project, trace_id, span_id in ids]
    high, low = zip(*keys, strict=True) if keys else ((), ())
    return [pa.array(high, pa.uint64()), pa.array(low, pa.uint64())]


def records_to_table(records: list[dict[str, Any]]) -> pa.Table:
    """Columnar build: one pass per column is faster than pa.Table.from_pylist on dicts."""
    columns = [
        pa.array([r.get(name) for r in records], type=ARROW_SCHEMA.field(name).type)
        for name in FIELD_NAMES
    ]
    ids = [(r["project"], r["trace_id"], r["span_id"]) for r in records]
    return pa.Table.from_arrays(columns + _key_columns(ids), schema=TABLE_SCHEMA)


def _micros(when: datetime) -> int:
    return (when - _EPOCH) // timedelta(microseconds=1)  # exact; a naive time raises


def rows_to_table(rows: list[tuple[Any, ...]], received_at: datetime) -> pa.Table:
    """Columns of `normalize.to_row` tuples; `received_at` (timezone-aware) for every row."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in ROW_FIELDS]
    arrays = []
    for name, values in zip(ROW_FIELDS, columns, strict=True):
        kind = ARROW_SCHEMA.field(name).type
        if name in TIME_FIELDS:  # int64 -> timestamp is a zero-copy cast
            arrays.append(pa.array(values, pa.int64()).cast(kind))
        else:
            arrays.append(pa.array(values, kind))
    received = pa.array([_micros(received_at)] * len(rows), pa.int64()).cast(_TIMESTAMP)
    ids = list(zip(columns[0], columns[1], columns[2], strict=True)) if rows else []
    return pa.Table.from_arrays([*arrays, received, *_key_columns(ids)], schema=TABLE_SCHEMA)
