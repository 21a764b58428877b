"""The audit trail over HTTP: verify, export, tool calls, retention, and the access log.

Every route here records itself in `audit_access_log` (key, what, when) before answering.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

import duckdb
from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from collector.api.deps import AdminKey, ReadKey, RuntimeDep
from collector.audit.access import list_access, log_access
from collector.audit.export import iter_export
from collector.audit.retention import get_policy, run_retention, set_policy
from collector.audit.toolcalls import ToolCallFilter, tool_calls
from collector.audit.verify import verify
from collector.errors import BadRequestError

router = APIRouter(prefix="/api/audit", tags=["audit"])


class RetentionPolicy(BaseModel):
    days: int = Field(ge=0, le=36_500, description="Days content is kept; 0 keeps it forever")


@router.get("/verify", summary="Recompute this project's hash chain; name the first break")
def verify_chain(runtime: RuntimeDep, key: AdminKey) -> dict[str, Any]:
    # Scoped like every read: the report names spans. The offline CLI verifies all projects.
    log_access(runtime.store, key, "verify", {"project": key.project})
    report = runtime.store.read(lambda con: verify(con, key.project))
    return report.to_dict()


@router.get("/export", summary="JSONL of chain records and spans, verifiable offline")
def export(
    runtime: RuntimeDep,
    key: ReadKey,
    from_seq: Annotated[int | None, Query(ge=1)] = None,
    to_seq: Annotated[int | None, Query(ge=1)] = None,
) -> StreamingResponse:
    if from_seq and to_seq and from_seq > to_seq:
        raise BadRequestError("from_seq must not be after to_seq")
    detail = {"project": key.project, "from_seq": from_seq, "to_seq": to_seq}
    log_access(runtime.store, key, "export", detail)
    # Its own cursor: the stream outlives this thread, and holds one snapshot throughout.
    cursor = runtime.store.read(lambda con: con.cursor())
    lines = _closing(cursor, iter_export(cursor, key.project, from_seq, to_seq))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", key.project)  # header-safe whatever the name
    name = f"tracevault-audit-{safe}-{stamp}.jsonl"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(lines, media_type="application/x-ndjson", headers=headers)


def _closing(cursor: duckdb.DuckDBPyConnection, lines: Iterator[bytes]) -> Iterator[bytes]:
    """Lines grouped into ~64 KB chunks (one send per line would dominate); cursor closed."""
    chunk = bytearray()
    try:
        for line in lines:
            chunk += line
            if len(chunk) >= 1 << 16:
                yield bytes(chunk)
                chunk.clear()
        yield bytes(chunk)
    finally:
        cursor.close()


@router.get("/tool-calls", summary="Every tool call: who, which tool, arguments, outcome")
def list_tool_calls(
    runtime: RuntimeDep,
    key: ReadKey,
    since: datetime | None = None,
    until: datetime | None = None,
    tool: str | None = None,
    user: str | None = None,
    tenant: str | None = None,
    session: str | None = None,
    status: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: str | None = None,
) -> dict[str, Any]:
    if status not in (None, "ok", "error", "unset"):
        raise BadRequestError("status must be ok, error or unset")
    f = ToolCallFilter(since, until, tool, user, tenant, session, status)
    page = tool_calls(runtime.store, key.project, f, limit, cursor)
    detail = {**_filters(f), "returned": len(page["tool_calls"])}
    log_access(runtime.store, key, "tool-calls", detail)
    return page


def _filters(f: ToolCallFilter) -> dict[str, Any]:
    names = ("since", "until", "tool", "user", "tenant", "session", "status")
    return {n: getattr(f, n) for n in names if getattr(f, n) is not None}


@router.get("/access-log", summary="Who read or exported what, and when (this project)")
def access_log(
    runtime: RuntimeDep,
    key: AdminKey,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    log_access(runtime.store, key, "access-log", {"since": since, "limit": limit})
    return {"entries": list_access(runtime.store, key.project, since, limit)}


@router.get("/retention", summary="This project's content retention")
def get_retention(runtime: RuntimeDep, key: AdminKey) -> dict[str, Any]:
    return get_policy(runtime.store, key.project, runtime.settings.audit_retention_days)


@router.put("/retention", summary="Set this project's content retention in days")
def put_retention(body: RetentionPolicy, runtime: RuntimeDep, key: AdminKey) -> dict[str, Any]:
    log_access(runtime.store, key, "set-retention", {"days": body.days})
    return set_policy(runtime.store, key.project, body.days)


@router.post("/retention/run", summary="Run retention now (it also runs as a scheduled job)")
def run_retention_now(runtime: RuntimeDep, key: AdminKey) -> dict[str, Any]:
    log_access(runtime.store, key, "run-retention", {})
    return run_retention(runtime.store, datetime.now(UTC), runtime.settings.audit_retention_days)
