"""Metrics read from the rollups, exact for any window: the read side of `analytics.rollups`.

A window [since, until) is tiled with the coarsest rollup buckets that fit inside it (days,
then hours, then minutes) and the sub-minute edges are aggregated from raw spans with the same
SQL the job uses. Spans the rollup job has not consumed yet (batch_id above its watermark) are
added from raw spans too, so an answer never lags the ingest. Row-group pruning on start_time
and batch_id keeps both raw parts small, so the cost follows the window's bucket count, not
the number of spans stored. Percentiles come from the merged latency histograms.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from analytics.rollups import (
    DIMENSIONS,
    GRAINS,
    HOURLY_ONLY,
    MEASURES,
    bin_value_ms,
    latency_sql,
    stats_sql,
)
from analytics.watermark import read_watermark
from collector.store import Store

Piece = tuple[str, datetime, datetime]
_ORDER = ("day", "hour", "minute")
LATENESS_S = 8 * 86400  # the default of settings.job_lateness_s
_QUANTILES = {"p50_ms": 0.5, "p95_ms": 0.95, "p99_ms": 0.99}


def _floor(t: datetime, grain: str) -> datetime:
    step = GRAINS[grain] * 60
    return datetime.fromtimestamp(int(t.timestamp()) // step * step, UTC)


def _ceil(t: datetime, grain: str) -> datetime:
    low = _floor(t, grain)
    return low if low == t else low + timedelta(minutes=GRAINS[grain])


def cover(since: datetime, until: datetime, grains: tuple[str, ...] = _ORDER
          ) -> tuple[list[Piece], list[tuple[datetime, datetime]]]:  # fmt: skip
    """Rollup pieces (grain, start, end) and raw pieces (start, end) that tile [since, until)."""
    if since >= until:
        return [], []
    if not grains:
        return [], [(since, until)]
    grain, finer = grains[0], grains[1:]
    start, end = _ceil(since, grain), _floor(until, grain)
    if start >= end:
        return cover(since, until, finer)
    left, right = cover(since, start, finer), cover(end, until, finer)
    return left[0] + [(grain, start, end)] + right[0], left[1] + right[1]


def _sources(
    store: Store, project: str, since: datetime, until: datetime, grain: str, lateness: int,
    dim: str,
) -> tuple[str, list[Any], str, list[Any]]:  # fmt: skip
    """WHERE over rollup rows and WHERE over raw spans that together make up the window."""
    grains = tuple(
        g for g in _ORDER[_ORDER.index(grain) :] if not (g == "minute" and dim in HOURLY_ONLY)
    )
    pieces, edges = cover(since, until, grains)
    stored = " OR ".join("(grain = ? AND bucket >= ? AND bucket < ?)" for _ in pieces) or "false"
    stored_params = [v for piece in pieces for v in piece]
    mark = read_watermark(store, "rollups")
    edge_sql = " OR ".join("(start_time >= ? AND start_time < ?)" for _ in edges) or "false"
    raw = (f"project = ? AND start_time >= received_at - to_seconds(?) AND ("
           f"(batch_id <= ? AND ({edge_sql})) OR "
           f"(batch_id > ? AND start_time >= ? AND start_time < ?))")  # fmt: skip
    raw_params = [project, lateness, mark, *[v for e in edges for v in e], mark, since, until]
    return stored, stored_params, raw, raw_params


def _rebucket(step_s: int | None) -> str:
    if step_s is None:
        return "NULL::TIMESTAMPTZ AS bucket"
    return f"to_timestamp((epoch(bucket)::BIGINT // {step_s}) * {step_s}) AS bucket"


def _query(
    store: Store, project: str, since: datetime, until: datetime, grain: str, dim: str,
    step_s: int | None, lateness: int,
) -> tuple[list[dict], list[dict]]:  # fmt: skip
    stored, sp, raw, rp = _sources(store, project, since, until, grain, lateness, dim)
    names = ", ".join(MEASURES)
    sums = ", ".join(f"sum({m}) AS {m}" for m in MEASURES)
    head = f"SELECT {_rebucket(step_s)}, value"
    parts = (f"SELECT bucket, value, {{cols}} FROM {{table}} WHERE project = ? AND dim = ? "
             f"AND ({stored}) UNION ALL SELECT bucket, value, {{cols}} FROM ({{raw}}) "
             f"WHERE dim = ?")  # fmt: skip
    params = [project, dim, *sp, *rp, dim]
    raw_stats = stats_sql(raw, ["minute"], every_dim=True)
    raw_latency = latency_sql(raw, ["minute"], every_dim=True)
    stats = store.query(
        f"{head}, {sums} FROM ("
        + parts.format(cols=names, table="rollup_stats", raw=raw_stats)
        + ") GROUP BY ALL ORDER BY ALL", params,
    )  # fmt: skip
    hist = (f"{head}, bin, sum(n) AS n FROM ("
            + parts.format(cols="bin, n", table="rollup_latency", raw=raw_latency)
            + ") GROUP BY ALL")  # fmt: skip
    return stats, _percentiles(store, hist, params)


def _percentiles(store: Store, hist_sql: str, params: list[Any]) -> list[dict]:
    picks = ", ".join(
        f"min(bin) FILTER (WHERE cum >= ceil({q} * total)) AS {name}"
        for name, q in _QUANTILES.items()
    )
    return store.query(
        f"WITH h AS ({hist_sql}), c AS (SELECT *, "
        "sum(n) OVER (PARTITION BY bucket, value ORDER BY bin) AS cum, "
        "sum(n) OVER (PARTITION BY bucket, value) AS total FROM h) "
        f"SELECT bucket, value, {picks} FROM c GROUP BY ALL", params,
    )  # fmt: skip


def _point(stats: dict[str, Any], pct: dict[str, Any] | None) -> dict[str, Any]:
    out = {m: stats[m] for m in MEASURES}
    out["traces"] = stats["root_spans"]  # a task is a root span; see the module docstring
    out["success_rate"] = _rate(stats["model_errors"], stats["model_calls"])
    out["task_success_rate"] = _rate(stats["root_errors"], stats["root_spans"])
    for name in _QUANTILES:
        out[name] = bin_value_ms(pct[name]) if pct and pct[name] is not None else None
    return out


def _rate(errors: int | None, total: int | None) -> float | None:
    return 1 - errors / total if total else None


def summary(store: Store, project: str, since: datetime, until: datetime,
            lateness_s: int = LATENESS_S) -> dict[str, Any]:  # fmt: skip
    """Totals over [since, until); `lateness_s` must be the rollup job's (settings)."""
    stats, pct = _query(store, project, since, until, "day", "all", None, lateness_s)
    empty = dict.fromkeys(MEASURES, 0)
    return _point(stats[0] if stats else empty, pct[0] if pct else None)


def timeseries(store: Store, project: str, since: datetime, until: datetime, bucket: str,
               by: str | None, lateness_s: int = LATENESS_S) -> list[dict[str, Any]]:  # fmt: skip
    if by is not None and by not in DIMENSIONS:
        raise ValueError(f"by must be one of {sorted(DIMENSIONS)}")
    step = GRAINS[bucket] * 60
    stats, pct = _query(store, project, since, until, bucket, by or "all", step, lateness_s)
    pct_by_key = {(p["bucket"], p["value"]): p for p in pct}
    points = []
    for row in stats:
        point = {"bucket": row["bucket"].isoformat(), **_point(row, pct_by_key.get(
            (row["bucket"], row["value"])))}  # fmt: skip
        if by:
            point[by] = row["value"] or None
        points.append(point)
    return points
