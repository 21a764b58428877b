"""SQL for the read API. Every query is scoped by project first: a key never sees another
project's rows, including by guessing ids."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from collector.errors import BadRequestError

TRACE_AGG = """
SELECT trace_id,
  min(start_time) AS start_time,
  max(end_time) AS end_time,
  (epoch_us(max(end_time)) - epoch_us(min(start_time))) / 1000.0 AS duration_ms,
  count(*) AS span_count,
  coalesce(min(name) FILTER (WHERE parent_span_id IS NULL), min(name)) AS root_name,
  min(service_name) AS service_name,
  max(agent_name) AS agent_name,
  max(user_id) AS user_id,
  max(session_id) AS session_id,
  max(tenant_id) AS tenant_id,
  CASE WHEN bool_or(status = 'error') THEN 'error' ELSE 'ok' END AS status,
  max(error_class) AS error_class,
  coalesce(sum(cost_usd), 0) AS cost_usd,
  coalesce(sum(input_tokens), 0) AS input_tokens,
  coalesce(sum(output_tokens), 0) AS output_tokens,
  list(DISTINCT coalesce(response_model, request_model))
    FILTER (WHERE coalesce(response_model, request_model) IS NOT NULL) AS models,
  list(DISTINCT tool_name) FILTER (WHERE tool_name IS NOT NULL) AS tools
FROM spans
"""

SORTS = {"start_time": "start_time", "cost": "cost_usd", "duration": "duration_ms"}

# filter name -> HAVING clause over the trace aggregate (span-level, so any span may match)
_SPAN_FILTERS = {
    "service": "bool_or(service_name = ?)",
    "agent": "bool_or(agent_name = ?)",
    "model": "bool_or(request_model = ? OR response_model = ?)",
    "user": "bool_or(user_id = ?)",
    "session": "bool_or(session_id = ?)",
    "tenant": "bool_or(tenant_id = ?)",
    "error_class": "bool_or(error_class = ?)",
    "tool": "bool_or(tool_name = ?)",
}


@dataclass
class TraceFilter:
    since: datetime | None = None
    until: datetime | None = None
    status: str | None = None
    min_cost: float | None = None
    min_duration_ms: float | None = None
    q: str | None = None
    span: dict[str, str] = field(default_factory=dict)


def encode_cursor(sort_value: Any, trace_id: str) -> str:
    value = sort_value.isoformat() if isinstance(sort_value, datetime) else sort_value
    return base64.urlsafe_b64encode(json.dumps([value, trace_id]).encode()).decode()


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    try:
        value, trace_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if sort == "start_time":
            value = datetime.fromisoformat(value)
        return value, str(trace_id)
    except (ValueError, TypeError) as exc:
        raise BadRequestError("invalid cursor") from exc


# The sort value of a trace, computed as TRACE_AGG computes the same column.
_SORT_EXPR = {
    "start_time": "min(start_time)",
    "cost_usd": "coalesce(sum(cost_usd), 0)",
    "duration_ms": "(epoch_us(max(end_time)) - epoch_us(min(start_time))) / 1000.0",
}


def list_traces_sql(
    project: str, f: TraceFilter, sort: str, desc: bool, limit: int, cursor: str | None
) -> tuple[str, list[Any]]:
    """Two phases: pick the page's trace ids with cheap aggregates (sort value, filters,
    cursor), then build full rows (lists of models and tools...) for those ids only: ~4x
    faster on a busy day than aggregating every trace of the window."""
    if sort not in SORTS:
        raise BadRequestError(f"sort must be one of {sorted(SORTS)}")
    where, params = ["project = ?"], [project]
    if f.since:
        where.append("start_time >= ?")
        params.append(f.since)
    if f.until:
        where.append("start_time < ?")
        params.append(f.until)
    scope = " AND ".join(where)
    page, page_params = _page_sql(scope, params, f, SORTS[sort], desc, limit, cursor, sort)
    direction = "DESC" if desc else "ASC"
    sql = (
        f"WITH page AS ({page}) SELECT * FROM ({TRACE_AGG} WHERE {scope} AND trace_id IN "
        f"(SELECT trace_id FROM page) GROUP BY trace_id) "
        f"ORDER BY {SORTS[sort]} {direction}, trace_id {direction}"
    )
    return sql, page_params + params


def _page_sql(
    scope: str,
    params: list[Any],
    f: TraceFilter,
    col: str,
    desc: bool,
    limit: int,
    cursor: str | None,
    sort: str,
) -> tuple[str, list[Any]]:
    having, hparams = _having(f)
    outer, oparams = [], []
    if cursor:
        value, trace_id = decode_cursor(cursor, sort)
        op = "<" if desc else ">"
        outer.append(f"(sort_value {op} ? OR (sort_value = ? AND trace_id {op} ?))")
        oparams += [value, value, trace_id]
    direction = "DESC" if desc else "ASC"
    sql = (
        f"SELECT trace_id, sort_value FROM (SELECT trace_id, {_SORT_EXPR[col]} AS sort_value "
        f"FROM spans WHERE {scope} GROUP BY trace_id"
        + (f" HAVING {' AND '.join(having)}" if having else "")
        + ")"
        + (f" WHERE {' AND '.join(outer)}" if outer else "")
        + f" ORDER BY sort_value {direction}, trace_id {direction} LIMIT ?"
    )
    return sql, params + hparams + oparams + [limit + 1]


def _having(f: TraceFilter) -> tuple[list[str], list[Any]]:
    clauses, params = [], []
    for name, value in f.span.items():
        clause = _SPAN_FILTERS[name]
        clauses.append(clause)
        params += [value] * clause.count("?")
    if f.status:
        if f.status not in ("ok", "error"):
            raise BadRequestError("status must be ok or error")
        clauses.append("bool_or(status = 'error') = ?")
        params.append(f.status == "error")
    if f.min_cost is not None:
        clauses.append("coalesce(sum(cost_usd), 0) >= ?")
        params.append(f.min_cost)
    if f.min_duration_ms is not None:
        clauses.append("(epoch_us(max(end_time)) - epoch_us(min(start_time))) / 1000.0 >= ?")
        params.append(f.min_duration_ms)
    if f.q:
        clauses.append("bool_or(content ILIKE ? OR name ILIKE ?)")
        like = "%" + f.q.replace("%", r"\%").replace("_", r"\_") + "%"
        params += [like, like]
    return clauses, params
