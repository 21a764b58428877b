"""Latency: p50/p95/p99 over time by model and agent, tool-call latency, a latency histogram,
time to first token of streamed calls, and the slowest traces."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import charts
from ui.data import prefetch
from ui.state import Window, set_param, window_picker
from ui.tables import trace_link
from ui.views import delta, empty_state, header, kpi, ms, must_get, section_get

SPLITS = ["model", "agent"]


def tiles(cur: dict[str, Any], prev: dict[str, Any], points: list[dict[str, Any]]) -> None:
    cols = st.columns(3)
    for col, name in zip(cols, ("p50_ms", "p95_ms", "p99_ms"), strict=True):
        line = [p[name] for p in points if p[name] is not None]
        kpi(
            col,
            f"{name[:3].upper()} model call",
            ms(cur[name]),
            delta(cur[name], prev[name]),
            inverse=True,
            series=line,
            help_text="Within 1% (merged log histogram)",
        )


def percentile_charts(w: Window, points: list[dict[str, Any]]) -> None:
    current = st.query_params.get("split", "model")
    split = st.segmented_control("Split by", SPLITS, key="lat_split", required=True,
                                 default=current if current in SPLITS else "model")  # fmt: skip
    set_param("split", None if split == "model" else split)
    split = split or "model"
    by = must_get("/api/metrics/timeseries", bucket=w.bucket, by=split, **w.params())["points"]
    left, right = st.columns(2)
    with left:
        charts.percentiles(charts.frame(points), "Model-call latency p50 / p95 / p99")
    with right:
        df = charts.frame([p for p in by if p["model_calls"]], split)
        charts.series(df, "p95_ms", f"P95 by {split} (ms)", split)


def tools_and_histogram(w: Window) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader("Tool calls")
        data = section_get("/api/metrics/tools", "Tool-call latency", **w.params())
        if data is not None:
            st.caption("Every tool call of the window; nearest-rank percentiles.")
            st.dataframe(
                data["tools"],
                hide_index=True,
                width="stretch",
                column_config={
                    k: st.column_config.NumberColumn(format="%.0f ms")
                    for k in ("p50_ms", "p95_ms", "p99_ms", "mean_ms")
                },
            )
    with right:
        st.subheader("Task duration")
        data = must_get("/api/metrics/task_durations", **w.params())
        charts.binned_histogram(data["buckets"], f"All {data['tasks']:,} tasks of the window")


def slowest(w: Window) -> None:
    st.subheader("Slowest traces")
    rows = must_get("/api/traces", sort="duration", limit=10, **w.params())["traces"]
    st.dataframe([{"trace": trace_link(t["trace_id"]), "task": t["root_name"],
                   "duration_ms": t["duration_ms"], "spans": t["span_count"],
                   "models": ", ".join(t["models"] or []), "status": t["status"]}
                  for t in rows], hide_index=True, width="stretch", column_config={
        "trace": st.column_config.LinkColumn(display_text="open"),
        "duration_ms": st.column_config.NumberColumn("duration", format="%.0f ms")})  # fmt: skip


def ttft_section(w: Window) -> None:
    st.subheader("Time to first token (streamed calls)")
    data = section_get("/api/metrics/streaming", "Time to first token", **w.params())
    if data is None:
        return
    if not data["models"]:
        st.info("No streamed call in this window.", icon=":material/timer:")
        return
    st.dataframe(
        data["models"],
        hide_index=True,
        use_container_width=True,
        column_config={
            "ttft_p50_ms": st.column_config.NumberColumn("p50 ms", format="%.0f"),
            "ttft_p95_ms": st.column_config.NumberColumn("p95 ms", format="%.0f"),
        },
    )


header("Latency", "Model-call percentiles, tool calls, task durations and the slowest traces.")
w = window_picker()
split = st.query_params.get("split", "model")
prefetch(
    [
        ("/api/metrics/summary", w.params()),
        ("/api/metrics/timeseries", {"bucket": w.bucket, **w.params()}),
        ("/api/metrics/timeseries", {"bucket": w.bucket, "by": split, **w.params()}),
        ("/api/metrics/tools", w.params()),
        ("/api/metrics/task_durations", w.params()),
        ("/api/metrics/streaming", w.params()),
        ("/api/traces", {"sort": "duration", "limit": 10, **w.params()}),
    ]
)
summary = must_get("/api/metrics/summary", **w.params())
if not summary["current"]["spans"]:
    empty_state("model calls")
    st.stop()
points = must_get("/api/metrics/timeseries", bucket=w.bucket, **w.params())["points"]
tiles(summary["current"], summary["previous"], points)
percentile_charts(w, points)
tools_and_histogram(w)
ttft_section(w)
slowest(w)
