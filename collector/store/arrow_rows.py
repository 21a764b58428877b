"""Canonical record dicts -> Arrow tables, built on the request thread, not the writer."""

from __future__ import annotations

import hashlib
from typing import Any

import pyarrow as pa

from collector.schema import ARROW_SCHEMA, FIELD_NAMES

_KEY_SCHEMA = pa.schema([("key_hi", pa.uint64()), ("key_lo", pa.uint64())])


def span_key(project: str, trace_id: str, span_id: str) -> tuple[int, int]:
    """128-bit identity of a span within a project, split in two uint64 for Arrow."""
    digest = hashlib.blake2b(f"{project}\0{trace_id}\0{span_id}".encode(), digest_size=16).digest()
    return int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:], "big")


def records_to_table(records: list[dict[str, Any]]) -> pa.Table:
    """Columnar build: one pass per column is faster than pa.Table.from_pylist on dicts."""
    columns = [
        pa.array([r.get(name) for r in records], type=ARROW_SCHEMA.field(name).type)
        for name in FIELD_NAMES
    ]
    keys = [span_key(r["project"], r["trace_id"], r["span_id"]) for r in records]
    columns.append(pa.array([k[0] for k in keys], pa.uint64()))
    columns.append(pa.array([k[1] for k in keys], pa.uint64()))
    schema = pa.schema(list(ARROW_SCHEMA) + list(_KEY_SCHEMA))
    return pa.Table.from_arrays(columns, schema=schema)
