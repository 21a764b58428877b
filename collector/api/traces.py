"""Trace and session reads: GET /api/traces, /api/traces/{trace_id}, /api/sessions/{id}."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from analytics.findings import findings_for_trace
from collector.api.deps import ReadKey, RuntimeDep
from collector.api.serialize import row_out, span_tree
from collector.errors import BadRequestError, NotFoundError
from collector.queries import TraceFilter, encode_cursor, list_traces_sql

router = APIRouter(prefix="/api", tags=["traces"])

_HEX = frozenset("0123456789abcdef")


@router.get("/traces", summary="List traces with filters and cursor pagination")
def list_traces(
    runtime: RuntimeDep,
    key: ReadKey,
    since: datetime | None = None,
    until: datetime | None = None,
    service: str | None = None,
    agent: str | None = None,
    model: str | None = None,
    user: str | None = None,
    session: str | None = None,
    tenant: str | None = None,
    status: str | None = None,
    error_class: str | None = None,
    tool: str | None = None,
    min_cost: float | None = None,
    min_duration_ms: float | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    sort: str = "start_time",
    order: str = "desc",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    named = dict(service=service, agent=agent, model=model, user=user, session=session,
                 tenant=tenant, error_class=error_class, tool=tool)  # fmt: skip
    f = TraceFilter(since, until, status, min_cost, min_duration_ms, q,
                    {k: v for k, v in named.items() if v})  # fmt: skip
    if order not in ("asc", "desc"):
        raise BadRequestError("order must be asc or desc")
    sql, params = list_traces_sql(key.project, f, sort, order == "desc", limit, cursor)
    rows = runtime.store.query(sql, params)
    page, more = rows[:limit], len(rows) > limit
    next_cursor = None
    if more:
        last = page[-1]
        column = {"start_time": "start_time", "cost": "cost_usd", "duration": "duration_ms"}[sort]
        next_cursor = encode_cursor(last[column], last["trace_id"])
    return {"traces": [row_out(r) for r in page], "next_cursor": next_cursor}


def _check_trace_id(trace_id: str) -> str:
    tid = trace_id.lower()
    if len(tid) != 32 or not set(tid) <= _HEX:
        raise BadRequestError("trace_id must be 32 hex characters")
    return tid


@router.get("/traces/{trace_id}", summary="One trace: every span, as a tree")
def get_trace(trace_id: str, runtime: RuntimeDep, key: ReadKey) -> dict[str, Any]:
    tid = _check_trace_id(trace_id)
    rows = runtime.store.query(
        "SELECT * EXCLUDE (span_key) FROM spans WHERE project = ? AND trace_id = ? "
        "ORDER BY start_time, span_id",
        [key.project, tid],
    )
    if not rows:
        raise NotFoundError(f"no trace {tid} in this project")
    spans = [row_out(r) for r in rows]
    return {"trace_id": tid, "spans": spans, "tree": span_tree(spans),
            "findings": findings_for_trace(runtime.store, key.project, tid)}  # fmt: skip


@router.get("/sessions/{session_id}", summary="A session: its traces in time order")
def get_session(session_id: str, runtime: RuntimeDep, key: ReadKey) -> dict[str, Any]:
    sql, params = list_traces_sql(
        key.project, TraceFilter(span={"session": session_id}), "start_time", False, 1000, None
    )
    rows = runtime.store.query(sql, params)
    if not rows:
        raise NotFoundError(f"no session {session_id!r} in this project")
    traces = [row_out(r) for r in rows[:1000]]
    totals = {
        "trace_count": len(traces),
        "cost_usd": sum(t["cost_usd"] or 0 for t in traces),
        "input_tokens": sum(t["input_tokens"] or 0 for t in traces),
        "output_tokens": sum(t["output_tokens"] or 0 for t in traces),
        "errors": sum(t["status"] == "error" for t in traces),
    }
    return {"session_id": session_id, "traces": traces, **totals}
