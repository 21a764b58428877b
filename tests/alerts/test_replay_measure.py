"""The replay's batched readings equal the live readings at every step time (real DuckDB)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from analytics.alerts.measure import Measurement, measure
from analytics.alerts.model import Rule, RuleSpec
from analytics.alerts.replay import step_times
from analytics.alerts.replay_measure import measure_steps
from analytics.alerts.rules import create_rule
from collector.errors import BadRequestError
from tests.alerts.conftest import NOW, PROJECT, span

START = NOW - timedelta(hours=30)
RULES = [
    {"metric": "success_rate", "comparison": "lt", "threshold": 0.9,
     "params": {"min_count": 3}},
    {"metric": "error_rate", "comparison": "gt", "threshold": 0.1, "group_by": "model",
     "params": {"error_class": "transient"}},
    {"metric": "p95_latency_ms", "comparison": "gt", "threshold": 500},
    {"metric": "p99_latency_ms", "comparison": "gt", "threshold": 500, "group_by": "tool"},
    {"metric": "cost_usd", "comparison": "gt", "threshold": 0.05, "window_s": 3600},
    {"metric": "cost_anomaly", "comparison": "gt", "threshold": 3, "window_s": 3600,
     "params": {"baseline_s": 86400}},
    {"metric": "throughput_per_min", "comparison": "gt", "threshold": 1,
     "scope": {"service": "support-agent"}},
    {"metric": "auth_errors", "comparison": "gt", "threshold": 0},
    {"metric": "loop_findings", "comparison": "gt", "threshold": 0, "window_s": 3600},
]  # fmt: skip


def _traffic() -> list[dict]:
    """Irregular traffic over 30 hours: errors, 401s, slow calls, two models, a tool."""
    out = []
    for i in range(600):
        at = START + timedelta(minutes=3 * i + (i * 7) % 3)
        model = "claude-haiku-4-5" if i % 4 == 0 else "claude-sonnet-4-5"
        fields = {"request_model": model, "response_model": model,
                  "duration_ms": 50.0 + (i * 37) % 900,
                  "cost_usd": 0.001 * (1 + i % 9)}  # fmt: skip
        if i % 11 == 0:
            fields |= {"status": "error", "error_class": "transient"}
        if 300 <= i < 306:
            fields |= {"status": "error", "http_status": 401}
        if i % 5 == 0:
            fields |= {"operation": "execute_tool", "tool_name": f"tool-{i % 3}"}
        if i in range(400, 420):  # a cost spike
            fields["cost_usd"] = 0.5
        out.append(span(at, **fields))
    return out


def _findings(store, created_offset: timedelta) -> list:
    times = [START + timedelta(hours=h) for h in (5, 5.2, 12, 29)]

    def write(con) -> None:  # type: ignore[no-untyped-def]
        for i, t in enumerate(times):
            con.execute(
                "INSERT INTO findings VALUES (?, ?, 'tool_loop', 'high', 0.9, ?, NULL, NULL, "
                "'{}', ?, 'loops', ?, ?)",
                [f"f{i}", PROJECT, f"{i:032x}", t, t + created_offset, t + created_offset],
            )

    store.write(write).result()
    return times


def _rules(store) -> list[Rule]:
    return [create_rule(store, PROJECT, RuleSpec(name=f"r{i}", **spec), ()) for i, spec in
            enumerate(RULES)]  # fmt: skip


def _plain(readings: list[Measurement]) -> list[tuple[str, float | None, int]]:
    return [(m.key, None if m.value is None else round(m.value, 9), m.count) for m in readings]


def test_batched_readings_equal_live_readings_at_every_step(store, ingest, probe) -> None:
    ingest(_traffic())
    _findings(store, timedelta(0))  # created when observed: live and replay agree
    steps = step_times(START, NOW, 300)
    for rule in _rules(store):
        batched = measure_steps(store, rule, steps)
        live = {t: sorted(measure(store, rule, t, probe.probe()), key=lambda m: m.key)
                for t in steps}  # fmt: skip
        expected = {t: _plain(r) for t, r in live.items()}
        assert {t: _plain(r) for t, r in batched.items()} == expected, rule.metric
        assert any(m.value for r in batched.values() for m in r), rule.metric  # not all empty


def test_findings_are_placed_by_the_span_they_were_found_in(store, probe) -> None:
    times = _findings(store, timedelta(days=3))  # a job found them three days later
    (rule,) = [r for r in _rules(store) if r.metric.value == "loop_findings"]
    at = [times[0] + timedelta(minutes=1), times[2] + timedelta(minutes=30), times[3]]
    got = measure_steps(store, rule, at)
    assert [got[t][0].value for t in at] == [1.0, 1.0, 0.0]
    assert measure(store, rule, at[0], probe.probe())[0].value == 0.0  # live: by created_at
    assert json.loads(got[at[0]][0].key) == {}


def test_step_times_cover_the_range_on_a_regular_grid() -> None:
    steps = step_times(NOW, NOW + timedelta(minutes=11), 300)
    assert steps == [NOW, NOW + timedelta(minutes=5), NOW + timedelta(minutes=10)]


@pytest.mark.parametrize(
    ("since", "until", "step_s", "message"),
    [(NOW, NOW, 300, "since must be before until"),
     (NOW, NOW + timedelta(hours=1), 59, "step_s must be at least 60"),
     (NOW - timedelta(days=40), NOW, 60, "57601 steps: at most 50000")],
)  # fmt: skip
def test_step_times_reject_bad_ranges(since, until, step_s, message) -> None:
    with pytest.raises(BadRequestError, match=message):
        step_times(since, until, step_s)
