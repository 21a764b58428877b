"""Overview: throughput, success rate, cost and P95 latency against the previous window, their
time series, firing alerts and the latest findings."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import charts
from ui.data import prefetch
from ui.state import Window, window_picker
from ui.tables import alerts_table, findings_table
from ui.views import count, delta, empty_state, header, kpi, money, ms, must_get, pct, section_get


def tiles(cur: dict[str, Any], prev: dict[str, Any], points: list[dict[str, Any]]) -> None:
    line = {name: [p[name] for p in points if p[name] is not None]
            for name in ("traces", "success_rate", "cost_usd", "p95_ms")}  # fmt: skip
    c1, c2, c3, c4 = st.columns(4)
    kpi(c1, "Throughput (tasks)", count(cur["traces"]), delta(cur["traces"], prev["traces"]),
        series=line["traces"], help_text=f"{count(cur['model_calls'])} model calls")
    kpi(c2, "Success rate", pct(cur["success_rate"]),
        delta(cur["success_rate"], prev["success_rate"], "pts"), series=line["success_rate"],
        help_text="Model calls that did not fail")
    kpi(c3, "Cost", money(cur["cost_usd"]), delta(cur["cost_usd"], prev["cost_usd"]),
        inverse=True, series=line["cost_usd"])
    kpi(c4, "P95 latency", ms(cur["p95_ms"]), delta(cur["p95_ms"], prev["p95_ms"]),
        inverse=True, series=line["p95_ms"], help_text="Model calls, within 1%")  # fmt: skip


def trends(points: list[dict[str, Any]]) -> None:
    df = charts.frame(points)
    left, right = st.columns(2)
    with left:
        charts.series(df, "traces", "Tasks")
        charts.series(df, "cost_usd", "Cost")
    with right:
        charts.series(df, "success_rate", "Success rate")
        charts.series(df, "p95_ms", "P95 latency (ms)")


def attention(w: Window) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader("Firing alerts")
        data = section_get("/api/alerts/events", "Alerts", state="firing", limit=50)
        if data is not None:
            alerts_table(data["events"], "No alert is firing.")
    with right:
        st.subheader("Latest findings")
        data = section_get("/api/findings", "Findings", limit=10, **w.params())
        if data is not None:
            findings_table(data["findings"], "No findings in this window.")


header("Overview", "How the agents are doing in the chosen window, against the window before.")
w = window_picker()
prefetch([("/api/metrics/summary", w.params()),
          ("/api/metrics/timeseries", {"bucket": w.bucket, **w.params()}),
          ("/api/alerts/events", {"state": "firing", "limit": 50}),
          ("/api/findings", {"limit": 10, **w.params()})])
summary = must_get("/api/metrics/summary", **w.params())
cur, prev = summary["current"], summary["previous"]
if not cur["spans"] and not prev["spans"]:
    empty_state("traces")
    st.stop()
points = must_get("/api/metrics/timeseries", bucket=w.bucket, **w.params())["points"]
tiles(cur, prev, points)
trends(points)
attention(w)
