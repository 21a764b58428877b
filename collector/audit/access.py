"""Who read what, when: reads and exports through the API are logged in `audit_access_log`.

The audit routes log themselves (with what they returned). `AccessLogMiddleware` logs every
other keyed GET under /api/ - it needs one `app.add_middleware(AccessLogMiddleware)` line in
`create_app`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb

from collector.keys import ApiKey
from collector.store.base import Store

_INSERT = "INSERT INTO audit_access_log VALUES (?, ?, ?, ?, ?, ?)"


def _row(key: ApiKey, action: str, detail: dict[str, Any]) -> list[Any]:
    return [datetime.now(UTC), key.key_id, key.project, key.role.value, action,
            json.dumps(detail, default=str, sort_keys=True)]  # fmt: skip


def log_access(store: Store, key: ApiKey, action: str, detail: dict[str, Any]) -> None:
    """Record the access before the data leaves: if logging fails, the read fails."""
    row = _row(key, action, detail)
    store.write(lambda con: con.execute(_INSERT, row)).result()


def list_access(
    store: Store, project: str, since: datetime | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT accessed_at, key_id, project, role, action, detail FROM audit_access_log "
        "WHERE project = ? AND accessed_at >= coalesce(?, '-infinity'::TIMESTAMPTZ) "
        "ORDER BY accessed_at DESC LIMIT ?",
        [project, since, limit],
    )
    for row in rows:
        row["accessed_at"] = row["accessed_at"].isoformat()
        row["detail"] = json.loads(row["detail"]) if row["detail"] else None
    return rows


class AccessLogMiddleware:
    """Pure ASGI middleware: after a keyed GET /api/... answers, log key, path, query, status."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope.get("method") != "GET" or not _logged(path):
            await self.app(scope, receive, send)
            return
        status: dict[str, int] = {}

        async def send_status(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, send_status)
        key = scope.get("state", {}).get("api_key")  # set by collector.api.deps.authorize
        if key is not None:
            detail = {"path": path, "query": scope.get("query_string", b"").decode("latin-1"),
                      "status": status.get("code")}  # fmt: skip
            row = _row(key, "read", detail)
            # Not awaited: the writer commits it in order; a read must not wait on the queue.
            scope["app"].state.runtime.store.write(lambda con: _insert(con, row))


def _logged(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith("/api/audit/")


def _insert(con: duckdb.DuckDBPyConnection, row: list[Any]) -> None:
    con.execute(_INSERT, row)
