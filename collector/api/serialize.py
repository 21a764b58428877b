"""Row dicts from DuckDB -> JSON-ready dicts (JSON text columns parsed, times in ISO 8601)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from collector.schema import JSON_FIELDS


def row_out(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if key == "span_key":
            continue
        if key in JSON_FIELDS and isinstance(value, str):
            value = json.loads(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        out[key] = value
    return out


def span_tree(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nest spans under their parents; orphans (parent not received) become roots."""
    by_id = {s["span_id"]: {**s, "children": []} for s in spans}
    roots = []
    for span in sorted(by_id.values(), key=lambda s: (s["start_time"] or "", s["span_id"])):
        parent = by_id.get(span["parent_span_id"] or "")
        (parent["children"] if parent else roots).append(span)
    return roots
