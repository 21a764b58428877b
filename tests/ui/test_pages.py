"""Every page rendered with AppTest against the seeded collector: the numbers shown are the
numbers the REST API returns for the same window."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import Console


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_overview_tiles_when_window_is_24h(console: Console) -> None:
    at = console.page("overview")
    no_exception(at)
    s = console.api("/api/metrics/summary", **console.window())
    cur, prev = s["current"], s["previous"]
    shown = metrics(at)
    assert cur["traces"] == 15 and prev["traces"] == 3  # 10 orders + 5 incidents; 3 before
    assert shown["Throughput (tasks)"] == ("15", "+400.0%")
    assert shown["Success rate"] == (f"{cur['success_rate'] * 100:.1f}%",
                                     f"{(cur['success_rate'] - 1.0) * 100:+.1f} pts")
    assert shown["Cost"] == (f"${cur['cost_usd']:,.2f}",
                             f"{(cur['cost_usd'] / prev['cost_usd'] - 1) * 100:+.1f}%")
    assert shown["P95 latency"][0] == f"{cur['p95_ms']:,.0f} ms"


def test_overview_lists_firing_alerts_and_findings_when_seeded(console: Console) -> None:
    at = console.page("overview")
    firing = console.api("/api/alerts/events", state="firing", limit=50)["events"]
    found = console.api("/api/findings", limit=10, **console.window())["findings"]
    alerts_df, findings_df = at.dataframe[0].value, at.dataframe[1].value
    assert list(alerts_df["rule"]) == [e["rule_name"] for e in firing]
    assert "Model API answered 401/403" in list(alerts_df["rule"])
    assert list(findings_df["kind"]) == [f["kind"] for f in found]
    assert {"prompt_injection", "tool_loop", "invalid_tool_name"} <= set(findings_df["kind"])


def test_costs_tiles_when_split_by_model(console: Console) -> None:
    at = console.page("costs")
    no_exception(at)
    cur = console.api("/api/metrics/summary", **console.window())["current"]
    shown = metrics(at)
    assert shown["Cost"][0] == f"${cur['cost_usd']:,.2f}"
    assert shown["Tokens"][0] == f"{cur['input_tokens'] + cur['output_tokens']:,}"
    # 8,000 haiku cache reads at $1 - $0.10 and 14,000 sonnet ones at $3 - $0.30 per million
    assert shown["Saved by prompt caching"][0] == "$0.0450"
    assert shown["Cost per task"][0] == f"${cur['cost_usd'] / cur['traces']:,.4f}"


def test_costs_top_traces_when_sorted_by_cost(console: Console) -> None:
    at = console.page("costs")
    top = console.api("/api/traces", sort="cost", limit=10, **console.window())["traces"]
    shares = at.dataframe[0].value
    assert list(shares["model"]) == ["claude-sonnet-4-5", "claude-haiku-4-5"]
    assert round(shares["cost"].sum(), 6) == 1.82
    df = at.dataframe[1].value
    assert list(df["trace"]) == [f"/traces?trace={t['trace_id']}" for t in top]
    assert list(df["cost_usd"]) == [t["cost_usd"] for t in top]


def test_costs_projection_when_sessions_per_day_given(console: Console) -> None:
    at = console.page("costs", spd="100")
    traces = console.api("/api/traces", limit=500, **console.window())["traces"]
    per_session: dict[str, float] = {}
    for t in traces:
        per_session[t["session_id"]] = per_session.get(t["session_id"], 0) + t["cost_usd"]
    average = sum(per_session.values()) / len(per_session)
    shown = metrics(at)
    assert len(per_session) == 5
    assert shown["Average cost per session"][0] == f"${average:,.4f}"
    assert shown["Projected monthly cost"][0] == f"${average * 100 * 30:,.2f}"


def test_costs_split_is_kept_in_url_when_changed(console: Console) -> None:
    at = console.page("costs", by="user")
    no_exception(at)
    assert at.segmented_control(key="split_by").value == "user"
    at.segmented_control(key="split_by").set_value("tenant").run()
    assert at.query_params["by"] == "tenant"
    at.segmented_control(key="split_by").set_value("model").run()
    assert "by" not in at.query_params  # the default stays out of the URL


def test_latency_percentiles_when_window_is_24h(console: Console) -> None:
    at = console.page("latency")
    no_exception(at)
    cur = console.api("/api/metrics/summary", **console.window())["current"]
    shown = metrics(at)
    for name in ("p50_ms", "p95_ms", "p99_ms"):
        assert shown[f"{name[:3].upper()} model call"][0] == f"{cur[name]:,.0f} ms"


def test_latency_tool_table_when_tools_were_called(console: Console) -> None:
    at = console.page("latency")
    calls = console.api("/api/audit/tool-calls", limit=1000, **console.window())["tool_calls"]
    df = at.dataframe[0].value.set_index("tool")
    get_order = sorted(c["duration_ms"] for c in calls if c["tool_name"] == "get_order")
    assert get_order == [30.0 + i for i in range(10)]
    assert df.loc["get_order", "calls"] == 10
    assert df.loc["get_order", "p50_ms"] == 34.0  # nearest rank: the 5th of 10
    assert df.loc["get_order", "p95_ms"] == 39.0
    assert df.loc["search_kb", "calls"] == 4


def test_latency_slowest_when_sorted_by_duration(console: Console) -> None:
    at = console.page("latency")
    slow = console.api("/api/traces", sort="duration", limit=10, **console.window())["traces"]
    (df,) = [d.value for d in at.dataframe if "duration_ms" in d.value.columns]
    assert list(df["duration_ms"]) == [t["duration_ms"] for t in slow]
    assert df["duration_ms"].iloc[0] == 5000.0  # the tool loop


def test_security_counts_when_detectors_ran(console: Console) -> None:
    at = console.page("security")
    no_exception(at)
    found = console.api("/api/findings", limit=1000, **console.window())["findings"]
    kinds = [f["kind"] for f in found]
    shown = metrics(at)
    assert shown["Injection findings"][0] == str(kinds.count("prompt_injection")) == "1"
    assert shown["Invalid tool calls"][0] == "1"
    assert shown["Loops & runaways"][0] == "1"
    assert shown["401/403 episodes"][0] == "1"
    assert any("ignore all previous instructions" in c.value for c in at.code)


def test_security_redaction_totals_equal_the_api(console: Console) -> None:
    at = console.page("security")
    totals = console.api("/api/metrics/redaction", **console.window())["entities"]
    (df,) = [d.value for d in at.dataframe if "entity" in d.value.columns]
    assert list(zip(df["entity"], df["count"], strict=True)) == [
        (e["entity"], e["count"]) for e in totals
    ]
    assert [(e["entity"], e["count"]) for e in totals] == [("EMAIL_ADDRESS", 10)]


def test_latency_time_to_first_token_equals_the_api(console: Console) -> None:
    at = console.page("latency")
    models = console.api("/api/metrics/streaming", **console.window())["models"]
    assert models, "the seed has a streamed call"
    (df,) = [d.value for d in at.dataframe if "ttft_p50_ms" in d.value.columns]
    assert list(df["ttft_p50_ms"]) == [m["ttft_p50_ms"] for m in models]


def rows_of(df: Any, column: str) -> list[Any]:
    return list(df[column])


def test_alerts_rules_when_project_is_new(console: Console) -> None:
    at = console.page("alerts")
    no_exception(at)
    rules = console.api("/api/alerts/rules")["rules"]
    assert rows_of(at.dataframe[1].value, "rule") == [r["name"] for r in rules]
    history = console.api("/api/alerts/events", limit=200)["events"]
    assert rows_of(at.dataframe[2].value, "rule") == [e["rule_name"] for e in history]


def test_audit_tool_calls_when_filtered_by_tool(console: Console) -> None:
    at = console.page("audit", tool="search_kb")
    no_exception(at)
    calls = console.api("/api/audit/tool-calls", tool="search_kb", limit=100,
                        **console.window())["tool_calls"]  # fmt: skip
    df = at.dataframe[0].value
    assert len(calls) == 4
    assert rows_of(df, "tool") == ["search_kb"] * 4
    assert rows_of(df, "arguments") == ['{"q": "refund policy", "k": 5}'] * 4
