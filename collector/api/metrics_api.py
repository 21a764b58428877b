"""GET /api/metrics/summary and /api/metrics/timeseries over the project's spans.

Model-call metrics (latency percentiles, success rate, tokens, cost) are computed over inference
spans (operation chat); task success over root spans, since usage repeated on agent spans must
not be counted twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter

from analytics import rollup_query
from collector.api.deps import ReadKey, RuntimeDep
from collector.errors import BadRequestError

router = APIRouter(prefix="/api/metrics", tags=["metrics"])

DIMENSIONS = {
    "model": "coalesce(response_model, request_model)",
    "service": "service_name",
    "agent": "agent_name",
    "user": "user_id",
    "tenant": "tenant_id",
    "tool": "tool_name",
    "operation": "operation",
    "error_class": "error_class",
}
BUCKETS = {"minute": "1 minute", "hour": "1 hour", "day": "1 day"}

METRICS_SQL = """
  count(*) AS spans,
  count(DISTINCT trace_id) AS traces,
  count(*) FILTER (WHERE operation = 'chat') AS model_calls,
  count(*) FILTER (WHERE status = 'error') AS errors,
  1 - (count(*) FILTER (WHERE operation = 'chat' AND status = 'error'))
      / nullif(count(*) FILTER (WHERE operation = 'chat'), 0) AS success_rate,
  1 - (count(*) FILTER (WHERE parent_span_id IS NULL AND status = 'error'))
      / nullif(count(*) FILTER (WHERE parent_span_id IS NULL), 0) AS task_success_rate,
  quantile_cont(duration_ms, 0.5) FILTER (WHERE operation = 'chat') AS p50_ms,
  quantile_cont(duration_ms, 0.95) FILTER (WHERE operation = 'chat') AS p95_ms,
  quantile_cont(duration_ms, 0.99) FILTER (WHERE operation = 'chat') AS p99_ms,
  coalesce(sum(cost_usd), 0) AS cost_usd,
  coalesce(sum(input_tokens) FILTER (WHERE operation = 'chat'), 0) AS input_tokens,
  coalesce(sum(output_tokens) FILTER (WHERE operation = 'chat'), 0) AS output_tokens,
  coalesce(sum(cache_read_tokens) FILTER (WHERE operation = 'chat'), 0) AS cache_read_tokens,
  coalesce(sum(cache_write_tokens) FILTER (WHERE operation = 'chat'), 0) AS cache_write_tokens
"""


def resolve_window(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    until = until or datetime.now(UTC)
    since = since or until - timedelta(hours=24)
    if since >= until:
        raise BadRequestError("since must be before until")
    return since, until


def _summary(runtime: RuntimeDep, project: str, since: datetime, until: datetime) -> dict:
    # Read from the rollups (exact counts, percentiles within 1%): see analytics.rollup_query.
    return rollup_query.summary(
        runtime.store, project, since, until, runtime.settings.job_lateness_s
    )


@router.get("/summary", summary="Totals for a window and the change against the previous one")
def summary(
    runtime: RuntimeDep, key: ReadKey, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    since, until = resolve_window(since, until)
    current = _summary(runtime, key.project, since, until)
    previous = _summary(runtime, key.project, since - (until - since), since)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "current": current,
        "previous": previous,
    }


@router.get("/timeseries", summary="Metrics per time bucket, optionally split by a dimension")
def timeseries(
    runtime: RuntimeDep,
    key: ReadKey,
    since: datetime | None = None,
    until: datetime | None = None,
    bucket: str = "hour",
    by: str | None = None,
) -> dict[str, Any]:
    since, until = resolve_window(since, until)
    if bucket not in BUCKETS:
        raise BadRequestError(f"bucket must be one of {sorted(BUCKETS)}")
    if by is not None and by not in DIMENSIONS:
        raise BadRequestError(f"by must be one of {sorted(DIMENSIONS)}")
    points = rollup_query.timeseries(
        runtime.store, key.project, since, until, bucket, by, runtime.settings.job_lateness_s
    )
    return {"bucket": bucket, "by": by, "points": points}
