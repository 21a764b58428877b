"""The rules every new project starts with: what production teams page on.

A project exists once a key for it is created or its first span arrives; the evaluator seeds
projects it has not seen before on every tick, and the rules API seeds the caller's project on
first use. `alert_projects` remembers seeded projects, so a deleted default stays deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from analytics.alerts.model import Channel, Comparison, Metric, MetricParams, RuleSpec, Severity
from analytics.alerts.rules import insert_rule
from collector.store import Store

HOUR = 3600


def default_specs(queue_threshold: int, channels: list[Channel] | None = None) -> list[RuleSpec]:
    ch = list(channels or [])
    crit = {"severity": Severity.CRITICAL, "renotify_s": HOUR, "channels": ch}
    warn = {"severity": Severity.WARNING, "renotify_s": 4 * HOUR, "channels": ch}
    return [
        RuleSpec(name="Success rate below 90%", metric=Metric.SUCCESS_RATE, window_s=900,
                 comparison=Comparison.LT, threshold=0.9,
                 params=MetricParams(min_count=10), **crit),
        RuleSpec(name="Hourly cost above 3× the trailing daily average",
                 metric=Metric.COST_ANOMALY, window_s=HOUR, comparison=Comparison.GT,
                 threshold=3.0, params=MetricParams(baseline_s=24 * HOUR, min_cost_usd=5.0),
                 **crit),
        RuleSpec(name="Collector health failing", metric=Metric.HEALTH, window_s=60,
                 comparison=Comparison.GT, threshold=0, **crit),
        RuleSpec(name="Ingest queue backing up", metric=Metric.QUEUE_DEPTH, window_s=60,
                 comparison=Comparison.GT, threshold=queue_threshold, for_s=60, **warn),
        RuleSpec(name="P95 model latency above 5 minutes", metric=Metric.P95_LATENCY,
                 window_s=900, comparison=Comparison.GT, threshold=300_000, **warn),
        RuleSpec(name="Model API answered 401/403", metric=Metric.AUTH_ERRORS, window_s=900,
                 comparison=Comparison.GT, threshold=0, **warn),
        RuleSpec(name="Prompt injection finding (score ≥ 0.8)",
                 metric=Metric.INJECTION_FINDINGS, window_s=900, comparison=Comparison.GT,
                 threshold=0, params=MetricParams(min_score=0.8), **warn),
    ]  # fmt: skip


def seed_project(
    con: duckdb.DuckDBPyConnection, project: str, specs: list[RuleSpec], now: datetime
) -> bool:
    """Create the default rules once per project; True if this call created them."""
    seen = con.execute("SELECT 1 FROM alert_projects WHERE project = ?", [project]).fetchone()
    if seen:
        return False
    con.execute("INSERT INTO alert_projects VALUES (?, ?)", [project, now])
    for i, spec in enumerate(specs):  # a microsecond apart: listed in this order
        insert_rule(con, project, spec, now + timedelta(microseconds=i), is_default=True)
    return True


def is_seeded(store: Store, project: str) -> bool:
    return bool(store.query("SELECT 1 FROM alert_projects WHERE project = ?", [project]))


def unseeded_projects(store: Store) -> list[str]:
    rows = store.query(
        "SELECT project FROM (SELECT DISTINCT project FROM api_keys "
        "UNION SELECT DISTINCT project FROM ingest_batches) "
        "WHERE project NOT IN (SELECT project FROM alert_projects) ORDER BY project"
    )
    return [r["project"] for r in rows]


def seed_projects(store: Store, projects: list[str], specs: list[RuleSpec], now: datetime) -> int:
    if not projects:
        return 0

    def run(con: duckdb.DuckDBPyConnection) -> int:
        return sum(seed_project(con, p, specs, now) for p in projects)

    return store.write(run).result()
