"""The cost-anomaly rule's spend floor: a cheap hour never pages, however large its ratio."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from analytics.alerts.measure import cost_ratio
from analytics.alerts.model import Comparison, Metric, MetricParams, Rule

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _rule(floor: float) -> Rule:
    return Rule(
        rule_id="r1",
        project="p",
        name="cost",
        metric=Metric.COST_ANOMALY,
        window_s=3600,
        comparison=Comparison.GT,
        threshold=3.0,
        params=MetricParams(baseline_s=86400, min_cost_usd=floor),
        created_at=NOW,
        updated_at=NOW,
    )


def test_ratio_is_window_cost_over_baseline_cost_per_window() -> None:
    # $24 over a day is $1 per hour; $4 this hour is 4x.
    assert cost_ratio(_rule(0.0), current=4.0, baseline=24.0) == pytest.approx(4.0)


def test_window_below_the_floor_reads_as_no_data() -> None:
    assert cost_ratio(_rule(5.0), current=4.0, baseline=2.4) is None


def test_window_above_the_floor_keeps_its_ratio() -> None:
    assert cost_ratio(_rule(5.0), current=80.0, baseline=24.0) == pytest.approx(80.0)


def test_no_baseline_reads_as_no_data() -> None:
    assert cost_ratio(_rule(0.0), current=3.0, baseline=None) is None
