"""The canonical serialization: exact forms, Python == DuckDB SQL, and the stdlib tool agrees."""

from __future__ import annotations

import hashlib
import importlib.util
import math
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

from collector.audit import canonical
from collector.audit.canonical import (
    PAYLOAD_FIELDS,
    ROW_FIELDS,
    encode,
    field_text,
    payload_sha256,
    payload_sql,
    row_sha256,
    row_sql,
)
from collector.schema import FIELD_NAMES
from collector.store import records_to_table
from tests.audit.rows import record

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_export.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_export", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_encode_length_prefixes_utf8_bytes_when_values_contain_separators() -> None:
    assert encode(["ab", None, "", "é,1:x"]) == "2:ab,-,0:,6:é,1:x"
    assert encode(["a,b"]) != encode(["a", "b"])
    assert encode([None]) != encode(["-"])


def test_field_text_renders_each_kind_exactly_when_given_edge_values() -> None:
    assert field_text("float", 0.1) == "0.10000000000000001"
    assert field_text("float", -0.0) == "-0"
    assert field_text("float", math.nan) == "nan"
    assert field_text("int", 1200) == "1200"
    ts = datetime(2025, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)
    assert field_text("ts", ts) == "1735689600123456"
    assert field_text("str", None) is None


def test_payload_digest_is_sha256_of_encoded_column_digests_when_some_are_null() -> None:
    content_sha = hashlib.sha256(b'{"a": 1}').hexdigest()
    expected = hashlib.sha256(f"64:{content_sha},-,-".encode()).hexdigest()
    assert payload_sha256('{"a": 1}', None, None) == expected


def test_row_fields_cover_the_canonical_schema_when_schema_changes() -> None:
    # Fails when schema.py gains a column: that needs tracevault-audit-v2, not a silent gap.
    assert set(ROW_FIELDS) | set(PAYLOAD_FIELDS) == set(FIELD_NAMES)
    assert len(ROW_FIELDS) + len(PAYLOAD_FIELDS) == len(FIELD_NAMES)


@pytest.mark.parametrize(
    "over",
    [
        {},
        {"cost_usd": math.nan, "status_message": "naïve, 1:2 ☃", "content": None},
        {"cost_usd": 1e-300, "duration_ms": -0.0, "attributes": None, "events": None},
        {"cost_usd": 123456789.123456789, "http_status": 529, "parent_span_id": None},
    ],
)
def test_sql_digests_equal_python_digests_when_values_vary(over: dict) -> None:
    rec = record("proj-a", 3, **over)
    con = duckdb.connect()
    con.register("r", records_to_table([rec]))
    sql = f"SELECT {payload_sql('r')}, {row_sql('r', payload_sql('r'))} FROM r"
    payload, row = con.execute(sql).fetchone()
    assert payload == payload_sha256(rec["content"], rec["attributes"], rec["events"])
    assert row == row_sha256(rec, payload)


def test_stdlib_tool_matches_canonical_module_when_loaded_standalone() -> None:
    tool = _tool()
    assert tool.ALG == canonical.ALG and tool.ROW_FIELDS == ROW_FIELDS
    kinds = canonical.FIELD_KINDS
    assert {f for f in ROW_FIELDS if kinds[f] == "float"} == tool.FLOATS
    assert {f for f in ROW_FIELDS if kinds[f] == "ts"} == tool.TIMES
    rec = record("proj-a", 2, cost_usd=0.3)
    exported = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in rec.items()}
    payload = payload_sha256(rec["content"], rec["attributes"], rec["events"])
    assert tool.payload_sha256(exported, None) == payload
    assert tool.row_sha256(exported, payload) == row_sha256(rec, payload)
