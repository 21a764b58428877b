"""Cost anomalies: an hour's cost against the trailing baseline, per project and per model,
user, tenant and agent (sessions: see `analytics.sessions`).

For a series (dimension value) and hour H, with B = anomaly_baseline_hours (24) hours before
H, zero-filled where the series had no cost:
- ratio rule: cost(H) > anomaly_ratio (3) x the trailing average per hour, sum / hours;
- robust rule: (cost(H) - median) / (1.4826 x MAD) > anomaly_z (3.5), MAD floored at 10% of
  the median so a flat baseline does not make any wobble infinite.
A finding needs either rule AND volume: cost(H) >= anomaly_min_cost_usd and model calls >=
anomaly_min_calls, and a series old enough: the baseline starts at the series' first hour of
spend inside the window (earlier hours are not "zero spend", the series did not exist) and
must span at least half the window, so quiet and brand-new series do not page. Both rules
firing gives severity high, one gives medium.

Runs after the rollup job (reads its hourly rows, capped at its watermark) and evaluates only
the hours and series that received spans this tick, the current hour included, since a
partial hour above the threshold only grows; the finding is keyed by series and hour.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from analytics.findings import Finding
from analytics.robust import median_mad, robust_z
from analytics.rollups import DIMENSIONS
from analytics.scheduler import JobContext, JobOutcome, JobSpec

ANOMALY_DIMS = ("all", "model", "user", "tenant", "agent")
MIN_HISTORY_HOURS = 3
TOP_TRACES = 5
HOUR_S = 3600
# Hours travel as epoch seconds: turning ~50k TIMESTAMPTZ values into Python datetimes cost
# ~0.5 s a tick (measured at 100k new spans), ten times the query itself.
Series = dict[tuple[str, str, str, int], dict[int, tuple[float, int]]]

_TOUCHED = """
WITH new AS (SELECT project, to_timestamp(epoch(start_time)::BIGINT // 3600 * 3600) AS hour,
  {dims} FROM spans WHERE {new} GROUP BY ALL),
touched AS (SELECT DISTINCT project, hour, dim, value FROM (UNPIVOT new ON {names}
  INTO NAME dim VALUE value) WHERE dim = 'all' OR value <> '')
SELECT t.project, t.dim, t.value, epoch(t.hour)::BIGINT AS hour,
  epoch(r.bucket)::BIGINT AS bucket, r.cost_usd, r.model_calls
FROM touched t JOIN rollup_stats r ON r.grain = 'hour' AND r.project = t.project
  AND r.dim = t.dim AND r.value = t.value AND r.bucket <= t.hour
  AND r.bucket >= t.hour - to_hours(?::BIGINT) AND r.bucket >= ?
"""


def _touched_sql(new: str) -> str:
    dims = [f"coalesce({DIMENSIONS[d]}, '') AS \"{d}\"" for d in ANOMALY_DIMS if d != "all"]
    names = ", ".join(f'"{d}"' for d in ANOMALY_DIMS)
    return _TOUCHED.format(dims=", ".join([*dims, "'' AS \"all\""]), names=names, new=new)


def read_series(ctx: JobContext) -> Series:
    """(project, dim, value, hour) -> {bucket: (cost, calls)} over hour and its baseline, hours
    and buckets in epoch seconds."""
    where, params = ctx.new_spans()
    hours = ctx.settings.anomaly_baseline_hours
    oldest = ctx.store.query(f"SELECT min(start_time) AS t FROM spans WHERE {where}", params)
    if oldest[0]["t"] is None:
        return {}
    since = oldest[0]["t"] - timedelta(hours=hours + 1)
    rows = ctx.store.query(_touched_sql(where), [*params, hours, since])
    series: Series = {}
    for r in rows:
        key = (r["project"], r["dim"], r["value"], r["hour"])
        series.setdefault(key, {})[r["bucket"]] = (r["cost_usd"], r["model_calls"])
    return series


def evaluate(points: dict[int, tuple[float, int]], hour: int, s: Any) -> dict[str, Any] | None:
    """The rules for one series-hour (epoch seconds); evidence if it is an anomaly, else None."""
    cost, calls = points.get(hour, (0.0, 0))
    if cost < s.anomaly_min_cost_usd or calls < s.anomaly_min_calls:
        return None
    base = [
        points.get(hour - i * HOUR_S, (0.0, 0))[0] for i in range(s.anomaly_baseline_hours, 0, -1)
    ]  # oldest first, zero-filled
    started = next((i for i, v in enumerate(base) if v > 0), len(base))
    base = base[started:]  # hours before the series existed are not a baseline of zero
    if len(base) < max(MIN_HISTORY_HOURS, s.anomaly_baseline_hours // 2):
        return None
    per_hour = sum(base) / len(base)
    med, mad = median_mad(base)
    z = robust_z(cost, med, mad)
    rules = [name for name, fired in (("ratio", cost > s.anomaly_ratio * per_hour),
                                      ("robust_z", z > s.anomaly_z)) if fired]  # fmt: skip
    if not rules:
        return None
    return {"value": round(cost, 6), "model_calls": calls, "baseline": round(per_hour, 6),
            "threshold": round(s.anomaly_ratio * per_hour, 6), "ratio": round(cost / per_hour, 3),
            "median": round(med, 6), "mad": round(mad, 6), "z": round(z, 3),
            "z_threshold": s.anomaly_z, "rules": rules,
            "hour": datetime.fromtimestamp(hour, UTC).isoformat()}  # fmt: skip


def top_traces(ctx: JobContext, project: str, dim: str, value: str, hour: datetime) -> list[dict]:
    cond, params = ("", []) if dim == "all" else (f" AND {DIMENSIONS[dim]} = ?", [value])
    return ctx.store.query(
        "SELECT trace_id, round(sum(cost_usd), 6) AS cost_usd FROM spans WHERE project = ? "
        f"AND start_time >= ? AND start_time < ?{cond} AND cost_usd IS NOT NULL "
        "GROUP BY trace_id ORDER BY cost_usd DESC, trace_id LIMIT ?",
        [project, hour, hour + timedelta(hours=1), *params, TOP_TRACES],
    )


def run_anomalies(ctx: JobContext) -> JobOutcome:
    series = read_series(ctx)
    findings = []
    for (project, dim, value, hour_s), points in series.items():
        evidence = evaluate(points, hour_s, ctx.settings)
        if evidence is None:
            continue
        hour = datetime.fromtimestamp(hour_s, UTC)
        evidence["top_traces"] = top_traces(ctx, project, dim, value, hour)
        subject = "project" if dim == "all" else f"{dim}={value}"
        severity = "high" if len(evidence["rules"]) == 2 else "medium"
        score = min(1.0, evidence["ratio"] / (2 * ctx.settings.anomaly_ratio))
        top = evidence["top_traces"][0]["trace_id"] if evidence["top_traces"] else None
        findings.append(Finding(project, "cost_anomaly", severity, round(score, 4),
                                f"{subject}\0{hour.isoformat()}", evidence, top, None,
                                subject, hour))  # fmt: skip
    return JobOutcome(rows_read=sum(len(p) for p in series.values()), findings=findings)


JOB = JobSpec("cost_anomalies", run_anomalies, after="rollups")
