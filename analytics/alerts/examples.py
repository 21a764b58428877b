"""Up to three example traces for a notification: the ones that best show what went wrong."""

from __future__ import annotations

from datetime import datetime, timedelta

from analytics.alerts.measure import AUTH_SQL, finding_filter, span_filter
from analytics.alerts.model import FINDING_METRICS, PROCESS_METRICS, Metric, Rule
from collector.store import Store

LIMIT = 3

# metric -> (extra span condition, how to rank a trace's matching spans)
_SPAN_PICKS = {
    Metric.SUCCESS_RATE: ("status = 'error'", "max(start_time)"),
    Metric.ERROR_RATE: ("status = 'error'", "max(start_time)"),
    Metric.AUTH_ERRORS: (AUTH_SQL, "max(start_time)"),
    Metric.P95_LATENCY: ("TRUE", "max(duration_ms)"),
    Metric.P99_LATENCY: ("TRUE", "max(duration_ms)"),
    Metric.COST: ("TRUE", "sum(cost_usd)"),
    Metric.COST_ANOMALY: ("TRUE", "sum(cost_usd)"),
    Metric.THROUGHPUT: ("TRUE", "max(start_time)"),
}


def example_traces(store: Store, rule: Rule, scope: dict[str, str], now: datetime) -> list[str]:
    if rule.metric in PROCESS_METRICS:
        return []
    since = now - timedelta(seconds=rule.window_s)
    if rule.metric in FINDING_METRICS:
        return _finding_examples(store, rule, since, now)
    condition, rank = _SPAN_PICKS[rule.metric]
    where, params = span_filter(rule, scope)
    if rule.metric is Metric.ERROR_RATE and rule.params.error_class:
        condition += " AND error_class = ?"
        params.append(rule.params.error_class)
    rows = store.query(
        f"SELECT trace_id FROM spans WHERE project = ? AND start_time >= ? AND start_time < ? "
        f"AND {where} AND {condition} GROUP BY trace_id "
        f"ORDER BY {rank} DESC NULLS LAST, trace_id LIMIT {LIMIT}",
        [rule.project, since, now, *params],
    )
    return [r["trace_id"] for r in rows]


def _finding_examples(store: Store, rule: Rule, since: datetime, now: datetime) -> list[str]:
    where, params = finding_filter(rule, since, now)
    rows = store.query(
        f"SELECT trace_id FROM findings WHERE {where} AND trace_id IS NOT NULL "
        f"GROUP BY trace_id ORDER BY max(score) DESC, max(created_at) DESC, trace_id "
        f"LIMIT {LIMIT}",
        params,
    )
    return [r["trace_id"] for r in rows]
