"""Aggregates the console needs beyond the rollups: what redaction found, and how fast
streamed calls start answering (time to first token)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter

from collector.api.deps import ReadKey, RuntimeDep
from collector.api.metrics_api import resolve_window

router = APIRouter(prefix="/api/metrics", tags=["metrics"])

_IN_WINDOW = "project = ? AND start_time >= ? AND start_time < ?"
_TTFT = "json_extract(attributes, '$.\"gen_ai.response.time_to_first_chunk\"')::DOUBLE"


@router.get("/redaction", summary="Redacted entities by type, and who redacted them")
def redaction(
    runtime: RuntimeDep, key: ReadKey, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    since, until = resolve_window(since, until)
    params = [key.project, since, until]
    entities = runtime.store.query(
        "SELECT e.key AS entity, sum(e.value::BIGINT) AS count FROM spans, "
        f"json_each(json_extract(redaction, '$.entities')) e WHERE {_IN_WINDOW} "
        "GROUP BY 1 ORDER BY 2 DESC, 1",
        params,
    )
    spans = runtime.store.query(
        "SELECT coalesce(json_extract_string(redaction, '$.by'), 'none') AS by, count(*) AS spans,"
        " count(*) FILTER (WHERE json_extract(attributes, '$.\"tracevault.content_dropped\"')"
        f"::BOOLEAN) AS content_dropped FROM spans WHERE {_IN_WINDOW} GROUP BY 1 ORDER BY 1",
        params,
    )
    return {"entities": entities, "by_redactor": spans}


@router.get("/streaming", summary="Time to first token of streamed calls, by model")
def streaming(
    runtime: RuntimeDep, key: ReadKey, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    since, until = resolve_window(since, until)
    rows = runtime.store.query(
        "SELECT coalesce(response_model, request_model) AS model, count(*) AS calls, "
        f"1000 * quantile_cont({_TTFT}, 0.5) AS ttft_p50_ms, "
        f"1000 * quantile_cont({_TTFT}, 0.95) AS ttft_p95_ms "
        f"FROM spans WHERE {_IN_WINDOW} AND operation = 'chat' AND {_TTFT} IS NOT NULL "
        "GROUP BY 1 ORDER BY 2 DESC",
        [key.project, since, until],
    )
    return {"models": rows}


@router.get("/tools", summary="Tool-call latency percentiles (nearest rank) and errors, by tool")
def tools(
    runtime: RuntimeDep, key: ReadKey, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    since, until = resolve_window(since, until)
    rows = runtime.store.query(
        "SELECT coalesce(tool_name, '(none)') AS tool, count(*) AS calls, "
        "count(*) FILTER (WHERE status = 'error') AS errors, "
        "quantile_disc(duration_ms, 0.5) AS p50_ms, quantile_disc(duration_ms, 0.95) AS p95_ms, "
        "quantile_disc(duration_ms, 0.99) AS p99_ms, avg(duration_ms) AS mean_ms "
        f"FROM spans WHERE {_IN_WINDOW} AND operation = 'execute_tool' GROUP BY 1 ORDER BY 1",
        [key.project, since, until],
    )
    return {"tools": rows}


# Four bins per decade: readable from milliseconds to hours without choosing a range.
_BIN = "floor(log10(greatest(duration_ms, 1)) * 4)"


@router.get("/task_durations", summary="Histogram of task (root span) durations, log bins")
def task_durations(
    runtime: RuntimeDep, key: ReadKey, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    since, until = resolve_window(since, until)
    rows = runtime.store.query(
        f"SELECT {_BIN} AS bin, count(*) AS count FROM spans WHERE {_IN_WINDOW} "
        "AND parent_span_id IS NULL AND duration_ms IS NOT NULL GROUP BY 1 ORDER BY 1",
        [key.project, since, until],
    )
    buckets = [
        {"lo_ms": 10 ** (r["bin"] / 4), "hi_ms": 10 ** ((r["bin"] + 1) / 4), "count": r["count"]}
        for r in rows
    ]
    return {"tasks": sum(b["count"] for b in buckets), "buckets": buckets}
