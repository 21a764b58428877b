"""Readings of one rule at MANY step times in one query, for the replay.

Live evaluation asks one question per rule per tick; a week replayed at 5-minute steps would
be ~2,000 queries per rule. Here the step times are a relation joined to the rule's spans by
a range condition (DuckDB plans it as one range join), so each rule costs one query whatever
the number of steps. The value expressions, filters and windows are those of
`analytics.alerts.measure`, so a replayed reading equals the live reading at that time.

Findings are placed in time by `observed_at` (the span they were found in), not by
`created_at`: a job that ran today over last week's spans creates today's rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from analytics.alerts.measure import (
    Measurement,
    _group,
    _reading,
    _value_sql,
    cost_ratio,
    finding_filter,
    span_filter,
)
from analytics.alerts.model import FINDING_METRICS, PROCESS_METRICS, Metric, Rule
from collector.store import Store

Readings = dict[datetime, list[Measurement]]
_STEPS = "WITH steps AS (SELECT unnest(?::TIMESTAMPTZ[]) AS t) "
# what the live query answers over no rows: counts and sums are 0, rates and quantiles NULL
_ZERO_WHEN_EMPTY = frozenset({Metric.COST, Metric.THROUGHPUT, Metric.AUTH_ERRORS,
                              *FINDING_METRICS})  # fmt: skip


def measure_steps(store: Store, rule: Rule, steps: list[datetime]) -> Readings:
    """The rule's measurements at each step time (as `measure` would give at that `now`)."""
    if rule.metric in PROCESS_METRICS:
        raise ValueError(f"{rule.metric.value} has no history to replay")
    if not steps:
        return {}
    if rule.metric in FINDING_METRICS:
        rows = _finding_rows(store, rule, steps)
    elif rule.metric is Metric.COST_ANOMALY:
        rows = _cost_anomaly_rows(store, rule, steps)
    else:
        rows = _span_rows(store, rule, steps)
    return _by_step(rule, steps, rows)


def _by_step(rule: Rule, steps: list[datetime], rows: list[dict[str, Any]]) -> Readings:
    found: Readings = defaultdict(list)
    for r in rows:
        found[r["t"]].append(_reading(rule, r["grp"], r["value"], r["n"]))
    # an ungrouped live query always answers one row: "no spans" reads as no data
    nothing = 0.0 if rule.metric in _ZERO_WHEN_EMPTY else None
    empty = [] if rule.group_by else [_reading(rule, None, nothing, 0)]
    return {t: sorted(found.get(t, empty), key=lambda m: m.key) for t in steps}


def _rule_spans(rule: Rule, lo: datetime, hi: datetime) -> tuple[str, list[Any]]:
    """The rule's spans that any step's window can see (pruned to [lo, hi) once)."""
    where, params = span_filter(rule, rule.scope.given())
    sql = "SELECT * FROM spans WHERE project = ? AND start_time >= ? AND start_time < ? AND "
    return sql + where, [rule.project, lo, hi, *params]


def _span_rows(store: Store, rule: Rule, steps: list[datetime]) -> list[dict[str, Any]]:
    value, vparams = _value_sql(rule)
    group, _ = _group(rule)
    window = timedelta(seconds=rule.window_s)
    spans, sparams = _rule_spans(rule, steps[0] - window, steps[-1])
    sql = (
        f"{_STEPS}SELECT t, {group} AS grp, {value} AS value, count(*) AS n "
        f"FROM steps JOIN ({spans}) s ON s.start_time >= t - ? AND s.start_time < t GROUP BY ALL"
    )
    return store.query(sql, [steps, *vparams, *sparams, window])


def _cost_anomaly_rows(store: Store, rule: Rule, steps: list[datetime]) -> list[dict[str, Any]]:
    group, _ = _group(rule)
    window = timedelta(seconds=rule.window_s)
    reach = window + timedelta(seconds=rule.params.baseline_s)
    spans, sparams = _rule_spans(rule, steps[0] - reach, steps[-1])
    sql = (
        f"{_STEPS}SELECT t, {group} AS grp, "
        "coalesce(sum(cost_usd) FILTER (WHERE start_time >= t - ?), 0) AS cur, "
        "sum(cost_usd) FILTER (WHERE start_time < t - ?) AS base, "
        "count(*) FILTER (WHERE start_time >= t - ?) AS n "
        f"FROM steps JOIN ({spans}) s ON s.start_time >= t - ? AND s.start_time < t GROUP BY ALL"
    )
    rows = store.query(sql, [steps, window, window, window, *sparams, reach])
    for r in rows:
        r["value"] = cost_ratio(rule, r["cur"], r["base"])
    return rows


def _finding_rows(store: Store, rule: Rule, steps: list[datetime]) -> list[dict[str, Any]]:
    window = timedelta(seconds=rule.window_s)
    where, params = finding_filter(rule, steps[0] - window, steps[-1])
    when = "coalesce(observed_at, created_at)"
    where = where.replace("created_at >= ? AND created_at < ?", f"{when} >= ? AND {when} < ?")
    sql = (
        f"{_STEPS}SELECT t, NULL AS grp, count(*)::DOUBLE AS value, count(*) AS n FROM steps "
        f"JOIN (SELECT * FROM findings WHERE {where}) f "
        f"ON {when} >= t - ? AND {when} < t GROUP BY ALL"
    )
    return store.query(sql, [steps, *params, window])
