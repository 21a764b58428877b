"""Runaway sessions: a session whose cost or model-call count is far above its peers', or
above a configured cap.

`session_totals` keeps a running cost and call count per session (each tick adds its delta).
A touched session is flagged when:
- cap: cost > session_cost_cap_usd or model calls > session_call_cap; or
- peers: robust z (median/MAD over the project's sessions active in the last 24 hours) of its
  cost or its calls > session_peer_z, with at least session_min_peers peers and the volume
  floors of the anomaly job (anomaly_min_cost_usd for cost, anomaly_min_calls for calls).
One finding per session, updated as the session grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import duckdb
import pyarrow as pa

from analytics.findings import Finding
from analytics.robust import median_mad, robust_z
from analytics.rollups import COST_SUM
from analytics.scheduler import JobContext, JobOutcome, JobSpec

PEER_WINDOW = timedelta(hours=24)
TOP_TRACES = 5
_COST = COST_SUM

_DELTA = f"""
SELECT d.project, d.session_id, d.cost_usd + coalesce(t.cost_usd, 0) AS cost_usd,
  d.model_calls + coalesce(t.model_calls, 0) AS model_calls,
  least(d.first_seen, coalesce(t.first_seen, d.first_seen)) AS first_seen,
  greatest(d.last_seen, coalesce(t.last_seen, d.last_seen)) AS last_seen,
  d.cost_usd AS delta_cost, d.model_calls AS delta_calls
FROM (SELECT project, session_id, {_COST} AS cost_usd,
        count(*) FILTER (WHERE operation = 'chat') AS model_calls,
        min(start_time) AS first_seen, max(start_time) AS last_seen
      FROM spans WHERE {{new}} AND session_id IS NOT NULL GROUP BY ALL) d
LEFT JOIN session_totals t USING (project, session_id)
"""


def _peers(ctx: JobContext, project: str, since: Any, totals: list[dict[str, Any]]) -> Peers:
    """Sessions of the project active since `since`, this tick's totals included."""
    rows = ctx.store.query(
        "SELECT session_id, cost_usd, model_calls, last_seen FROM session_totals "
        "WHERE project = ? AND last_seen >= ?",
        [project, since],
    )
    by_id = {r["session_id"]: r for r in rows}
    by_id.update({t["session_id"]: t for t in totals if t["project"] == project})
    live = [r for r in by_id.values() if r["last_seen"] >= since]
    return Peers.of([r["cost_usd"] for r in live], [float(r["model_calls"]) for r in live])


@dataclass(frozen=True, slots=True)
class Peers:
    count: int
    cost: tuple[float, float]  # median, MAD
    calls: tuple[float, float]

    @classmethod
    def of(cls, costs: list[float], calls: list[float]) -> Peers:
        return cls(len(costs), median_mad(costs), median_mad(calls))


def judge(total: dict[str, Any], peers: Peers, s: Any) -> dict[str, Any] | None:
    cost, calls = total["cost_usd"], total["model_calls"]
    rules, evidence = [], {"value": round(cost, 6), "model_calls": calls, "peers": peers.count}
    if cost > s.session_cost_cap_usd:
        rules.append("cost_cap")
    if calls > s.session_call_cap:
        rules.append("call_cap")
    (med_c, mad_c), (med_n, mad_n) = peers.cost, peers.calls
    z_cost, z_calls = robust_z(cost, med_c, mad_c), robust_z(calls, med_n, mad_n, floor=1.0)
    evidence.update(baseline=round(med_c, 6), baseline_calls=med_n, z_cost=round(z_cost, 3),
                    z_calls=round(z_calls, 3), threshold=s.session_cost_cap_usd,
                    call_threshold=s.session_call_cap, z_threshold=s.session_peer_z)  # fmt: skip
    if peers.count >= s.session_min_peers:
        if z_cost > s.session_peer_z and cost >= s.anomaly_min_cost_usd:
            rules.append("peer_cost")
        if z_calls > s.session_peer_z and calls >= s.anomaly_min_calls:
            rules.append("peer_calls")
    return {**evidence, "rules": rules} if rules else None


def _top_traces(ctx: JobContext, total: dict[str, Any]) -> list[dict[str, Any]]:
    return ctx.store.query(
        "SELECT trace_id, round(coalesce(sum(cost_usd), 0), 6) AS cost_usd, "
        "count(*) FILTER (WHERE operation = 'chat') AS model_calls FROM spans "
        "WHERE project = ? AND session_id = ? AND start_time >= ? GROUP BY trace_id "
        "ORDER BY cost_usd DESC, trace_id LIMIT ?",
        [total["project"], total["session_id"], total["first_seen"], TOP_TRACES],
    )


def _save(con: duckdb.DuckDBPyConnection, totals: list[dict[str, Any]]) -> None:
    cols = ("project", "session_id", "cost_usd", "model_calls", "first_seen", "last_seen")
    con.register("session_delta", pa.Table.from_pylist([{c: t[c] for c in cols} for t in totals]))
    try:
        con.execute(
            "INSERT INTO session_totals SELECT * FROM session_delta ON CONFLICT DO UPDATE SET "
            "cost_usd = excluded.cost_usd, model_calls = excluded.model_calls, "
            "first_seen = excluded.first_seen, last_seen = excluded.last_seen"
        )
    finally:
        con.unregister("session_delta")


def run_sessions(ctx: JobContext) -> JobOutcome:
    where, params = ctx.new_spans()
    totals = ctx.store.query(_DELTA.format(new=where), params)
    findings, peers_by_project = [], {}
    for total in totals:
        project = total["project"]
        if project not in peers_by_project:
            latest = max(t["last_seen"] for t in totals if t["project"] == project)
            peers_by_project[project] = _peers(ctx, project, latest - PEER_WINDOW, totals)
        evidence = judge(total, peers_by_project[project], ctx.settings)
        if evidence is None:
            continue
        evidence["top_traces"] = _top_traces(ctx, total)
        top = evidence["top_traces"][0]["trace_id"] if evidence["top_traces"] else None
        severity = "high" if any(r.endswith("cap") for r in evidence["rules"]) else "medium"
        findings.append(Finding(project, "runaway_session", severity, 1.0 if severity == "high"
                                else 0.7, total["session_id"], evidence, top, None,
                                f"session={total['session_id']}", total["last_seen"]))  # fmt: skip
    write = (lambda con: _save(con, totals)) if totals else None
    return JobOutcome(rows_read=len(totals), findings=findings, write=write)


JOB = JobSpec("sessions", run_sessions)
