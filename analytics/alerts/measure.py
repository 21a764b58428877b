"""Metric readings for a rule: one value per scope, from spans, findings or the process itself.

Model-call metrics read inference spans (operation chat), since agent spans may repeat their
children's usage; a rule scoped or grouped by tool reads that tool's spans instead. A value of
None means no data (nothing matched, or fewer than `min_count` spans).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from analytics.alerts.model import FINDING_METRICS, Metric, Rule
from collector.store import Store

DIMENSIONS = {
    "service": "service_name",
    "agent": "agent_name",
    "model": "coalesce(response_model, request_model)",
    "tool": "tool_name",
    "user": "user_id",
    "tenant": "tenant_id",
}
AUTH_SQL = (
    "(http_status IN (401, 403) OR error_type IN ('AuthenticationError', "
    "'PermissionDeniedError', 'authentication_error', 'permission_error'))"
)
LOOP_KINDS = ("tool_loop", "iteration_limit", "repeated_request")
INJECTION_KINDS = ("prompt_injection",)


@dataclass(frozen=True)
class Measurement:
    scope: dict[str, str]  # the rule's scope plus the group_by value, if any
    value: float | None
    count: int  # spans or findings behind the value

    @property
    def key(self) -> str:
        return scope_key(self.scope)


def scope_key(scope: dict[str, str]) -> str:
    return json.dumps(scope, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Probe:
    """Collector-wide readings, supplied by the runtime (fakes in tests)."""

    queue_depth: Callable[[], int]
    health_failures: Callable[[], int]


def _value_sql(rule: Rule) -> tuple[str, list[Any]]:
    ec = rule.params.error_class
    per_min = rule.window_s / 60
    sql = {
        Metric.SUCCESS_RATE: "1 - count(*) FILTER (WHERE status = 'error') / nullif(count(*), 0)",
        Metric.ERROR_RATE: "count(*) FILTER (WHERE status = 'error' AND (?::VARCHAR IS NULL "
        "OR error_class = ?)) / nullif(count(*), 0)",
        Metric.P95_LATENCY: "quantile_cont(duration_ms, 0.95)",
        Metric.P99_LATENCY: "quantile_cont(duration_ms, 0.99)",
        Metric.COST: "coalesce(sum(cost_usd), 0)",
        Metric.THROUGHPUT: f"count(*) / {per_min}",
        Metric.AUTH_ERRORS: f"count(*) FILTER (WHERE {AUTH_SQL})",
    }[rule.metric]
    return sql, [ec, ec] if rule.metric is Metric.ERROR_RATE else []


def span_filter(rule: Rule, scope: dict[str, str]) -> tuple[str, list[Any]]:
    """WHERE clause (after project and time) for the rule's spans within `scope`."""
    uses_tool = "tool" in scope or rule.group_by == "tool"
    clauses = ["tool_name IS NOT NULL" if uses_tool else "operation = 'chat'"]
    params: list[Any] = []
    for name, value in sorted(scope.items()):
        if name == "model":
            clauses.append("(request_model = ? OR response_model = ?)")
            params += [value, value]
        else:
            clauses.append(f"{DIMENSIONS[name]} = ?")
            params.append(value)
    return " AND ".join(clauses), params


def _group(rule: Rule) -> tuple[str, str]:
    """Select expression and GROUP BY tail; ungrouped queries always return one row."""
    if rule.group_by:
        return DIMENSIONS[rule.group_by], " GROUP BY ALL"
    return "NULL", ""


def _span_measurements(store: Store, rule: Rule, now: datetime) -> list[Measurement]:
    value, vparams = _value_sql(rule)
    where, wparams = span_filter(rule, rule.scope.given())
    group, group_by = _group(rule)
    sql = (
        f"SELECT {group} AS grp, {value} AS value, count(*) AS n FROM spans "
        f"WHERE project = ? AND start_time >= ? AND start_time < ? AND {where}{group_by}"
    )
    since = now - timedelta(seconds=rule.window_s)
    rows = store.query(sql, [*vparams, rule.project, since, now, *wparams])
    return [_reading(rule, r["grp"], r["value"], r["n"]) for r in rows]


def _reading(rule: Rule, group: str | None, value: float | None, n: int) -> Measurement:
    scope = rule.scope.given()
    if rule.group_by:
        scope[rule.group_by] = group if group is not None else ""
    if n < rule.params.min_count:
        value = None
    return Measurement(scope, None if value is None else float(value), int(n))


def _cost_anomaly(store: Store, rule: Rule, now: datetime) -> list[Measurement]:
    where, wparams = span_filter(rule, rule.scope.given())
    start = now - timedelta(seconds=rule.window_s)
    group, group_by = _group(rule)
    sql = (
        f"SELECT {group} AS grp, coalesce(sum(cost_usd) FILTER (WHERE start_time >= ?), 0)"
        " AS cur, sum(cost_usd) FILTER (WHERE start_time < ?) AS base, "
        "count(*) FILTER (WHERE start_time >= ?) AS n FROM spans "
        f"WHERE project = ? AND start_time >= ? AND start_time < ? AND {where}{group_by}"
    )
    base_start = start - timedelta(seconds=rule.params.baseline_s)
    rows = store.query(sql, [start, start, start, rule.project, base_start, now, *wparams])
    return [_reading(rule, r["grp"], cost_ratio(rule, r["cur"], r["base"]), r["n"]) for r in rows]


def cost_ratio(rule: Rule, current: float, baseline: float | None) -> float | None:
    """Window cost against the baseline's cost per window; None without a baseline, or when
    the window is too cheap to page anyone about (the rule's spend floor)."""
    if not baseline or current < rule.params.min_cost_usd:
        return None
    return current / (baseline * rule.window_s / rule.params.baseline_s)


def finding_filter(rule: Rule, since: datetime, until: datetime) -> tuple[str, list[Any]]:
    """WHERE clause over `findings` for the rule: kinds, score, creation time and scope."""
    kinds = list(INJECTION_KINDS if rule.metric is Metric.INJECTION_FINDINGS else LOOP_KINDS)
    where = (
        "project = ? AND list_contains(?, kind) AND score >= ? "
        "AND created_at >= ? AND created_at < ?"
    )
    params: list[Any] = [rule.project, kinds, rule.params.min_score, since, until]
    scope = rule.scope.given()
    if scope:  # a finding is in scope when any span of its trace is
        span_where, sparams = span_filter(rule, scope)
        span_where = span_where.replace("operation = 'chat'", "TRUE")
        where += f" AND trace_id IN (SELECT trace_id FROM spans WHERE project = ? AND {span_where})"
        params += [rule.project, *sparams]
    return where, params


def _findings(store: Store, rule: Rule, now: datetime) -> list[Measurement]:
    where, params = finding_filter(rule, now - timedelta(seconds=rule.window_s), now)
    n = int(store.query(f"SELECT count(*) AS n FROM findings WHERE {where}", params)[0]["n"])
    return [_reading(rule, None, float(n), n)]


def measure(store: Store, rule: Rule, now: datetime, probe: Probe) -> list[Measurement]:
    if rule.metric is Metric.QUEUE_DEPTH:
        return [Measurement({}, float(probe.queue_depth()), 1)]
    if rule.metric is Metric.HEALTH:
        return [Measurement({}, float(probe.health_failures()), 1)]
    if rule.metric in FINDING_METRICS:
        return _findings(store, rule, now)
    if rule.metric is Metric.COST_ANOMALY:
        return _cost_anomaly(store, rule, now)
    return _span_measurements(store, rule, now)
