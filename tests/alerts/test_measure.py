"""Metric readings over a real DuckDB store, with spans and findings at fixed times."""

from __future__ import annotations

from datetime import datetime, timedelta

from analytics.alerts.examples import example_traces
from analytics.alerts.measure import measure
from analytics.alerts.model import Rule
from analytics.findings import Finding, upsert_findings
from tests.alerts.conftest import NOW, PROJECT, FakeProbe, span


def rule(metric: str, **kw: object) -> Rule:
    return Rule(name="r", metric=metric, comparison="gt", threshold=0, rule_id="rule_x",
                project=PROJECT, created_at=NOW, updated_at=NOW, **kw)  # fmt: skip


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def readings(store, r: Rule, probe: FakeProbe | None = None) -> list[tuple]:
    got = measure(store, r, NOW, (probe or FakeProbe()).probe())
    return sorted(((m.scope, m.value, m.count) for m in got), key=str)


def test_success_rate_counts_chat_spans_in_window_only(store, ingest) -> None:
    ingest([span(ago(1), status="error"), span(ago(2), status="error")]
           + [span(ago(3)) for _ in range(6)])  # fmt: skip
    ingest([span(ago(20), status="error"), span(ago(1), operation="invoke_agent", status="error")])
    ingest([span(ago(1), status="error", project="other")])
    assert readings(store, rule("success_rate")) == [({}, 0.75, 8)]


def test_success_rate_is_no_data_when_below_min_count(store, ingest) -> None:
    ingest([span(ago(1), status="error")])
    assert readings(store, rule("success_rate", params={"min_count": 2})) == [({}, None, 1)]
    assert readings(store, rule("success_rate")) == [({}, 0.0, 1)]


def test_success_rate_is_no_data_when_no_spans(store) -> None:
    assert readings(store, rule("success_rate")) == [({}, None, 0)]


def test_scope_filters_service_and_model_either_name(store, ingest) -> None:
    ingest([span(ago(1), status="error", service_name="checkout"),
            span(ago(1), service_name="checkout", request_model="m-a", response_model="m-a-1"),
            span(ago(1), status="error", service_name="search")])  # fmt: skip
    by_service = rule("success_rate", scope={"service": "checkout"})
    assert readings(store, by_service) == [({"service": "checkout"}, 0.5, 2)]
    by_model = rule("success_rate", scope={"service": "checkout", "model": "m-a-1"})
    assert readings(store, by_model) == [({"model": "m-a-1", "service": "checkout"}, 1.0, 1)]


def test_group_by_gives_one_reading_per_value(store, ingest) -> None:
    ingest([span(ago(1), status="error", agent_name="triage"), span(ago(1), agent_name="triage"),
            span(ago(1), agent_name="billing")])  # fmt: skip
    got = readings(store, rule("success_rate", group_by="agent"))
    assert got == [({"agent": "billing"}, 1.0, 1), ({"agent": "triage"}, 0.5, 2)]


def test_error_rate_counts_only_the_given_class(store, ingest) -> None:
    ingest([span(ago(1), status="error", error_class="transient"),
            span(ago(1), status="error", error_class="permanent"),
            span(ago(1)), span(ago(1))])  # fmt: skip
    assert readings(store, rule("error_rate")) == [({}, 0.5, 4)]
    transient = rule("error_rate", params={"error_class": "transient"})
    assert readings(store, transient) == [({}, 0.25, 4)]


def test_latency_percentiles_interpolate(store, ingest) -> None:
    ingest([span(ago(1), duration_ms=float(ms)) for ms in range(1, 101)])
    assert readings(store, rule("p95_latency_ms")) == [({}, 95.05, 100)]
    assert readings(store, rule("p99_latency_ms"))[0][1] == 99.01


def test_cost_and_throughput_are_zero_when_idle(store, ingest) -> None:
    assert readings(store, rule("cost_usd")) == [({}, 0.0, 0)]
    ingest([span(ago(1), cost_usd=0.5) for _ in range(30)])
    assert readings(store, rule("cost_usd")) == [({}, 15.0, 30)]
    assert readings(store, rule("throughput_per_min")) == [({}, 2.0, 30)]


def test_auth_errors_count_401_403_and_sdk_error_types(store, ingest) -> None:
    ingest([span(ago(1), status="error", http_status=401),
            span(ago(1), status="error", http_status=403),
            span(ago(1), status="error", error_type="PermissionDeniedError"),
            span(ago(1), status="error", http_status=429), span(ago(1))])  # fmt: skip
    assert readings(store, rule("auth_errors")) == [({}, 3.0, 5)]


def test_cost_anomaly_compares_window_to_baseline_average(store, ingest) -> None:
    ingest([span(ago(60 + 60 * h + 30), cost_usd=1.0) for h in range(24)])  # $1/h for a day
    ingest([span(ago(10), cost_usd=2.5), span(ago(20), cost_usd=2.5)])
    r = rule("cost_anomaly", window_s=3600)
    assert readings(store, r) == [({}, 5.0, 2)]


def test_cost_anomaly_is_no_data_without_baseline(store, ingest) -> None:
    ingest([span(ago(10), cost_usd=2.5)])
    assert readings(store, rule("cost_anomaly", window_s=3600)) == [({}, None, 1)]


def _finding(store, kind: str, score: float, trace_id: str, created: datetime) -> None:
    f = Finding(PROJECT, kind, "high", score, key=trace_id, trace_id=trace_id)
    store.write(lambda con: upsert_findings(con, [f], "test", created)).result()


def test_injection_findings_count_recent_scores_above_minimum(store) -> None:
    _finding(store, "prompt_injection", 0.9, "t1", ago(5))
    _finding(store, "prompt_injection", 0.6, "t2", ago(5))
    _finding(store, "prompt_injection", 0.95, "t3", ago(30))
    _finding(store, "tool_loop", 1.0, "t4", ago(5))
    r = rule("injection_findings", params={"min_score": 0.8})
    assert readings(store, r) == [({}, 1.0, 1)]
    assert readings(store, rule("loop_findings")) == [({}, 1.0, 1)]
    assert example_traces(store, r, {}, NOW) == ["t1"]


def test_findings_scope_matches_any_span_of_the_trace(store, ingest) -> None:
    ingest([span(ago(5), trace_id="t1", service_name="checkout", operation="invoke_agent")])
    _finding(store, "prompt_injection", 0.9, "t1", ago(5))
    _finding(store, "prompt_injection", 0.9, "t2", ago(5))
    got = readings(store, rule("injection_findings", scope={"service": "checkout"}))
    assert got == [({"service": "checkout"}, 1.0, 1)]


def test_process_metrics_read_the_probe(store) -> None:
    probe = FakeProbe()
    probe.depth, probe.failures = 7, 2
    assert readings(store, rule("ingest_queue_depth"), probe) == [({}, 7.0, 1)]
    assert readings(store, rule("health_failing"), probe) == [({}, 2.0, 1)]


def test_examples_are_latest_failing_traces_at_most_three(store, ingest) -> None:
    ingest([span(ago(m), status="error", trace_id=f"{m:032x}") for m in (1, 2, 3, 4)]
           + [span(ago(0.5), trace_id="f" * 32)])  # fmt: skip
    got = example_traces(store, rule("success_rate"), {}, NOW)
    assert got == [f"{1:032x}", f"{2:032x}", f"{3:032x}"]


def test_examples_are_slowest_traces_for_latency(store, ingest) -> None:
    ingest([span(ago(1), duration_ms=float(ms), trace_id=f"{ms:032x}") for ms in (5, 50, 500, 9)])
    got = example_traces(store, rule("p95_latency_ms"), {}, NOW)
    assert got == [f"{500:032x}", f"{50:032x}", f"{9:032x}"]
