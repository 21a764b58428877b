"""Small DuckDB helpers shared by the audit modules."""

from __future__ import annotations

from typing import Any

import duckdb


def fetch_dicts(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | list[Any] | None = None
) -> list[dict[str, Any]]:
    result = con.execute(sql, params or [])
    names = [d[0] for d in result.description or []]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
