"""Canonical serialization of stored spans and chain records (algorithm `tracevault-audit-v1`).

Every value becomes text, every text is length-prefixed, so no choice of values can make two
different rows serialize alike:

    encode(values) = ",".join("-" if v is None else f"{len(utf8(v))}:{v}")

Text forms: strings as stored; integers in decimal; doubles as C `%.17g` ("nan" for NaN, so the
exact bits round-trip); timestamps as integer microseconds since the Unix epoch.

The three payload columns (content, attributes, events) are not hashed directly but through
their SHA-256, so retention can drop them while the chain still verifies:

    payload_sha256 = sha256(encode([sha256(content), sha256(attributes), sha256(events)]))
    row_sha256     = sha256(encode([<ROW_FIELDS as text>..., payload_sha256]))
    rows_sha256    = sha256(",".join(row_sha256 of the batch's rows, ordered by trace_id, span_id))
    record_sha256  = sha256(encode([alg, project, seq, batch_id, key_id, span_count,
                                    received_at_us, rows_sha256, prev_sha256]))

Each form exists twice, as a Python function (chain records, tools, tests) and as DuckDB SQL
(rows, so 1M spans are hashed in the database, vectorized); tests hold the two equal.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from collector.schema import CANONICAL_FIELDS

ALG = "tracevault-audit-v1"
ZERO_HASH = "0" * 64
PAYLOAD_FIELDS: tuple[str, ...] = ("content", "attributes", "events")

# Frozen for v1: a new canonical column needs a v2 (a test fails when schema.py drifts).
ROW_FIELDS: tuple[str, ...] = (
    "project", "trace_id", "span_id", "parent_span_id", "service_name", "name", "kind",
    "start_time", "end_time", "duration_ms", "status", "status_message", "operation",
    "provider", "request_model", "response_model", "input_tokens", "output_tokens",
    "cache_read_tokens", "cache_write_tokens", "cost_usd", "finish_reason", "tool_name",
    "tool_call_id", "agent_name", "user_id", "session_id", "tenant_id", "task_id",
    "error_type", "error_class", "http_status", "resource", "links", "redaction", "received_at",
)  # fmt: skip

_KINDS = {"string": "str", "double": "float", "int64": "int", "int32": "int"}
FIELD_KINDS: dict[str, str] = {
    name: _KINDS.get(str(typ), "ts") for name, typ in CANONICAL_FIELDS if name in ROW_FIELDS
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def sha256_hex(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def encode(values: Iterable[str | None]) -> str:
    return ",".join("-" if v is None else f"{len(v.encode())}:{v}" for v in values)


def epoch_us(ts: datetime) -> int:
    # Integer arithmetic: float seconds would lose microseconds on large epochs.
    return (ts - _EPOCH) // timedelta(microseconds=1)


def field_text(kind: str, value: Any) -> str | None:
    if value is None:
        return None
    if kind == "float":
        return "nan" if math.isnan(value) else format(value, ".17g")
    if kind == "ts":
        return str(epoch_us(value))
    return str(value)


def payload_sha256(content: str | None, attributes: str | None, events: str | None) -> str:
    return hashlib.sha256(
        encode([sha256_hex(content), sha256_hex(attributes), sha256_hex(events)]).encode()
    ).hexdigest()


EMPTY_PAYLOAD_SHA256 = payload_sha256(None, None, None)


def row_sha256(row: dict[str, Any], payload: str) -> str:
    """`row` maps ROW_FIELDS to stored values (timestamps as aware datetimes)."""
    texts = [field_text(FIELD_KINDS[name], row.get(name)) for name in ROW_FIELDS]
    return hashlib.sha256(encode([*texts, payload]).encode()).hexdigest()


def rows_sha256(ordered_row_hashes: Iterable[str]) -> str:
    return hashlib.sha256(",".join(ordered_row_hashes).encode()).hexdigest()


EMPTY_ROWS_SHA256 = rows_sha256([])


def record_sha256(record: dict[str, Any]) -> str:
    """`record` has the chain columns, with the batch time as integer `received_at_us`."""
    values = [
        record["alg"],
        record["project"],
        str(record["seq"]),
        str(record["batch_id"]),
        record["key_id"],
        str(record["span_count"]),
        str(record["received_at_us"]),
        record["rows_sha256"],
        record["prev_sha256"],
    ]
    return hashlib.sha256(encode(values).encode()).hexdigest()


# -- the same forms in DuckDB SQL ---------------------------------------------------------
def _sql_text(kind: str, col: str) -> str:
    if kind == "float":
        return f"CASE WHEN isnan({col}) THEN 'nan' ELSE printf('%.17g', {col}) END"
    if kind == "ts":
        return f"epoch_us({col})::VARCHAR"
    if kind == "int":
        return f"{col}::VARCHAR"
    return col


def _sql_field(text: str) -> str:
    return f"coalesce(strlen({text})::VARCHAR || ':' || {text}, '-')"


def _sql_encode(texts: list[str]) -> str:
    return "concat_ws(',', " + ", ".join(_sql_field(t) for t in texts) + ")"


def payload_sql(alias: str) -> str:
    """SQL for payload_sha256 of the row `alias` (a spans row)."""
    return "sha256(" + _sql_encode([f"sha256({alias}.{f})" for f in PAYLOAD_FIELDS]) + ")"


def row_prefix_sql(alias: str) -> str:
    """SQL for encode(ROW_FIELDS of `alias`): row_sha256 is the hash of it plus the payload."""
    return _sql_encode([_sql_text(FIELD_KINDS[name], f"{alias}.{name}") for name in ROW_FIELDS])


def row_from_prefix_sql(prefix_expr: str, payload_expr: str) -> str:
    return f"sha256({prefix_expr} || ',' || {_sql_field(payload_expr)})"


def row_sql(alias: str, payload_expr: str) -> str:
    """SQL for row_sha256 of the row `alias`, given the SQL of its payload digest."""
    return row_from_prefix_sql(row_prefix_sql(alias), payload_expr)
