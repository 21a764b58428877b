"""Every tool call: who (user, tenant, session), which tool, redacted arguments, result size,
duration and outcome. Who is taken from the tool span, else from its trace (agents often set
user and session on the root span only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from collector.audit.db import fetch_dicts
from collector.queries import decode_cursor, encode_cursor
from collector.store.base import Store

_SQL = """
WITH calls AS (
  SELECT * FROM spans
  WHERE project = $project AND operation = 'execute_tool'
    AND start_time >= coalesce($since, '-infinity'::TIMESTAMPTZ)
    AND start_time < coalesce($until, 'infinity'::TIMESTAMPTZ)
    AND ($tool IS NULL OR tool_name = $tool)
    AND ($status IS NULL OR status = $status)),
who AS (
  SELECT trace_id, max(user_id) AS t_user, max(tenant_id) AS t_tenant,
         max(session_id) AS t_session, max(agent_name) AS t_agent
  FROM spans WHERE project = $project AND trace_id IN (SELECT trace_id FROM calls)
  GROUP BY trace_id),
rows AS (
  SELECT c.start_time, c.trace_id, c.span_id, c.tool_name, c.tool_call_id,
         coalesce(c.user_id, w.t_user) AS user_id,
         coalesce(c.tenant_id, w.t_tenant) AS tenant_id,
         coalesce(c.session_id, w.t_session) AS session_id,
         coalesce(c.agent_name, w.t_agent) AS agent_name,
         coalesce(json_extract(c.content, '$.tool_arguments'),
                  json_extract(c.attributes, '$."gen_ai.tool.call.arguments"')) AS arguments,
         strlen(coalesce(json_extract_string(c.content, '$.tool_result'),
                         json_extract_string(c.attributes, '$."gen_ai.tool.call.result"')))
           AS result_bytes,
         c.duration_ms, c.status, c.error_type, c.error_class,
         (c.content IS NULL AND c.attributes IS NULL AND c.events IS NULL) AS content_dropped
  FROM calls c LEFT JOIN who w USING (trace_id))
SELECT * FROM rows
WHERE ($user IS NULL OR user_id = $user) AND ($tenant IS NULL OR tenant_id = $tenant)
  AND ($session IS NULL OR session_id = $session)
  AND ($c_time IS NULL OR start_time < $c_time OR (start_time = $c_time AND span_id < $c_span))
ORDER BY start_time DESC, span_id DESC
LIMIT $limit
"""


@dataclass(slots=True)
class ToolCallFilter:
    since: datetime | None = None
    until: datetime | None = None
    tool: str | None = None
    user: str | None = None
    tenant: str | None = None
    session: str | None = None
    status: str | None = None


def tool_calls_params(
    project: str, f: ToolCallFilter, limit: int, cursor: str | None
) -> dict[str, Any]:
    c_time, c_span = decode_cursor(cursor, "start_time") if cursor else (None, None)
    return {"project": project, "since": f.since, "until": f.until, "tool": f.tool,
            "user": f.user, "tenant": f.tenant, "session": f.session, "status": f.status,
            "c_time": c_time, "c_span": c_span, "limit": limit + 1}  # fmt: skip


def tool_calls(
    store: Store, project: str, f: ToolCallFilter, limit: int = 100, cursor: str | None = None
) -> dict[str, Any]:
    params = tool_calls_params(project, f, limit, cursor)
    rows = store.read(lambda con: fetch_dicts(con, _SQL, params))
    page = [_out(r) for r in rows[:limit]]
    more = len(rows) > limit
    next_cursor = (
        encode_cursor(rows[limit - 1]["start_time"], page[-1]["span_id"]) if more else None
    )
    return {"tool_calls": page, "next_cursor": next_cursor}


def _out(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["start_time"] = row["start_time"].isoformat() if row["start_time"] else None
    out["arguments"] = json.loads(row["arguments"]) if row["arguments"] else None
    out["outcome"] = "error" if row["status"] == "error" else "ok"
    return out
