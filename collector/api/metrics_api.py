"""GET /api/metrics/summary and /api/metrics/timeseries over the project's spans.

Model-call metrics (latency percentiles, success rate, model errors) are computed over
inference spans (operation chat); task success over root spans; tokens and cost over usage
spans, since usage repeated on agent spans must not be counted twice. Both read the rollups:
see analytics.rollup_query.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from fastapi import APIRouter, Response

from analytics import rollup_query
from analytics.rollups import DIMENSIONS
from collector.api.deps import ReadKey, RuntimeDep
from collector.errors import BadRequestError

router = APIRouter(prefix="/api/metrics", tags=["metrics"])

BUCKETS = ("minute", "hour", "day")
MAX_TOP = 1000


def _json(body: dict[str, Any]) -> Response:
    # orjson straight to bytes: FastAPI's generic encoder walks every value of every point,
    # which costs more than the query for a long split series.
    return Response(orjson.dumps(body), media_type="application/json")


def resolve_window(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    until = until or datetime.now(UTC)
    since = since or until - timedelta(hours=24)
    if since >= until:
        raise BadRequestError("since must be before until")
    return since, until


@router.get("/summary", summary="Totals for a window and the change against the previous one")
def summary(
    runtime: RuntimeDep, key: ReadKey, since: datetime | None = None, until: datetime | None = None
) -> Response:
    since, until = resolve_window(since, until)
    # Read from the rollups (exact counts, percentiles within 1%), both windows in one
    # snapshot: see analytics.rollup_query.
    windows = [(since, until), (since - (until - since), since)]
    current, previous = rollup_query.summaries(
        runtime.store, key.project, windows, runtime.settings.job_lateness_s
    )
    return _json(
        {
            "since": since.isoformat(),
            "until": until.isoformat(),
            "current": current,
            "previous": previous,
        }
    )


@router.get("/timeseries", summary="Metrics per time bucket, optionally split by a dimension")
def timeseries(
    runtime: RuntimeDep,
    key: ReadKey,
    since: datetime | None = None,
    until: datetime | None = None,
    bucket: str = "hour",
    by: str | None = None,
    top: int | None = None,
    percentiles: bool = True,
) -> Response:
    """With `by`, `top` keeps the top values by cost as their own series and merges the rest
    into one whose value is "(other)" (a chart of thousands of users shows nothing).
    `percentiles=false` leaves out p50/p95/p99 and skips the latency histograms."""
    since, until = resolve_window(since, until)
    if bucket not in BUCKETS:
        raise BadRequestError(f"bucket must be one of {sorted(BUCKETS)}")
    if by is not None and by not in DIMENSIONS:
        raise BadRequestError(f"by must be one of {sorted(DIMENSIONS)}")
    if top is not None and not 1 <= top <= MAX_TOP:
        raise BadRequestError(f"top must be between 1 and {MAX_TOP}")
    lateness = runtime.settings.job_lateness_s
    points = rollup_query.timeseries(
        runtime.store, key.project, since, until, bucket, by, lateness, top, percentiles
    )
    return _json({"bucket": bucket, "by": by, "top": top if by else None, "points": points})
