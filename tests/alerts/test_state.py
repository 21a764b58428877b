"""The alert state machine, driven with fixed times."""

from __future__ import annotations

from datetime import timedelta

import pytest

from analytics.alerts.model import Comparison, Metric, NoData, RuleSpec
from analytics.alerts.state import FLAP_HOLD_S, AlertState, step
from tests.alerts.conftest import NOW


def rule(**kw: object) -> RuleSpec:
    base = {"name": "r", "metric": Metric.SUCCESS_RATE, "comparison": Comparison.LT,
            "threshold": 0.9, "renotify_s": 0}  # fmt: skip
    return RuleSpec(**(base | kw))


def at(seconds: float):
    return NOW + timedelta(seconds=seconds)


def run(spec: RuleSpec, readings: list[tuple[float, float | None]]) -> list[tuple[str, str | None]]:
    """Feed (seconds, value) readings; return (state, action) after each."""
    s, out = AlertState(), []
    for seconds, value in readings:
        s, action = step(s, spec, value, at(seconds))
        out.append((s.state, action))
    return out


def test_step_fires_at_once_when_for_is_zero() -> None:
    assert run(rule(), [(0, 0.5)]) == [("firing", "fire")]


def test_step_waits_in_pending_when_for_is_set() -> None:
    got = run(rule(for_s=60), [(0, 0.5), (30, 0.5), (60, 0.5)])
    assert got == [("pending", None), ("pending", None), ("firing", "fire")]


def test_step_returns_to_ok_when_pending_clears() -> None:
    assert run(rule(for_s=60), [(0, 0.5), (30, 0.95)]) == [("pending", None), ("ok", None)]


def test_step_resolves_when_condition_clears() -> None:
    got = run(rule(), [(0, 0.5), (30, 0.5), (60, 0.95), (90, 0.95)])
    assert got == [("firing", "fire"), ("firing", None), ("resolved", "resolve"),
                   ("resolved", None)]  # fmt: skip


def test_step_holds_resolution_for_resolve_for() -> None:
    got = run(rule(resolve_for_s=60), [(0, 0.5), (30, 0.95), (60, 0.95), (90, 0.95)])
    assert got == [("firing", "fire"), ("firing", None), ("firing", None),
                   ("resolved", "resolve")]  # fmt: skip


def test_step_renotifies_after_interval_when_still_firing() -> None:
    got = run(rule(renotify_s=60), [(0, 0.5), (30, 0.5), (60, 0.5), (90, 0.5), (120, 0.5)])
    assert [a for _, a in got] == ["fire", None, "renotify", None, "renotify"]


def test_step_never_renotifies_when_interval_is_zero() -> None:
    got = run(rule(renotify_s=0), [(0, 0.5), (3600, 0.5), (7200, 0.5)])
    assert [a for _, a in got] == ["fire", None, None]


@pytest.mark.parametrize(
    ("no_data", "expected"),
    [(NoData.OK, ("resolved", "resolve")), (NoData.KEEP, ("firing", None)),
     (NoData.ALERTING, ("firing", None))],
)  # fmt: skip
def test_step_applies_no_data_policy_when_value_missing(no_data, expected) -> None:
    assert run(rule(no_data=no_data), [(0, 0.5), (30, None)])[-1] == expected


def test_step_fires_on_no_data_when_policy_is_alerting() -> None:
    assert run(rule(no_data=NoData.ALERTING), [(0, None)]) == [("firing", "fire")]


def test_step_damps_flapping_after_three_fires_within_an_hour() -> None:
    flips = [(i * 60, 0.5 if i % 2 == 0 else 0.95) for i in range(8)]
    actions = [a for _, a in run(rule(), flips)]
    # fire, resolve, fire, resolve, fire (third within the hour: flapping), then held open
    assert actions == ["fire", "resolve", "fire", "resolve", "fire", None, None, None]


def test_step_resolves_flapping_alert_after_hold() -> None:
    flips = [(i * 60, 0.5 if i % 2 == 0 else 0.95) for i in range(5)]
    tail = [(240 + 60, 0.95), (240 + 60 + FLAP_HOLD_S, 0.95)]
    actions = [a for _, a in run(rule(), flips + tail)]
    assert actions[-2:] == [None, "resolve"]


def test_step_keeps_breach_start_and_fire_time() -> None:
    s, _ = step(AlertState(), rule(for_s=60), 0.5, at(0))
    s, action = step(s, rule(for_s=60), 0.4, at(90))
    assert (action, s.started_at, s.fired_at, s.value) == ("fire", at(0), at(90), 0.4)


def test_comparison_breached_for_each_operator() -> None:
    assert [c.breached(1.0, 1.0) for c in Comparison] == [False, True, False, True]
