"""Costs: spend over time by model, agent, user or tenant; top sessions and traces; tokens;
what prompt caching saved; unit economics with a monthly projection."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import charts
from ui.data import prefetch
from ui.economics import (
    UnitEconomics,
    cache_savings,
    per_bucket,
    top_sessions,
    totals_by,
    unit_economics,
)
from ui.state import Window, set_param, window_picker
from ui.tables import trace_link
from ui.views import count, delta, empty_state, header, kpi, money, must_get

DIMENSIONS = ["model", "agent", "user", "tenant"]
TOKENS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
SAMPLE = 500  # traces read for per-session figures


def split_picker() -> str:
    current = st.query_params.get("by", "model")
    by = st.segmented_control("Split by", DIMENSIONS, default=current if current in DIMENSIONS
                              else "model", key="split_by", required=True)  # fmt: skip
    set_param("by", None if by == "model" else by)
    return by or "model"


def tiles(cur: dict[str, Any], prev: dict[str, Any], saved: float, econ: UnitEconomics) -> None:
    c1, c2, c3, c4 = st.columns(4)
    kpi(c1, "Cost", money(cur["cost_usd"]), delta(cur["cost_usd"], prev["cost_usd"]), True)
    tokens = cur["input_tokens"] + cur["output_tokens"]
    kpi(c2, "Tokens", count(tokens), delta(tokens, prev["input_tokens"] + prev["output_tokens"]),
        True, help_text=f"{count(cur['input_tokens'])} in (incl. cache) / "
        f"{count(cur['output_tokens'])} out")  # fmt: skip
    kpi(c3, "Saved by prompt caching", money(saved), None,
        help_text=f"{count(cur['cache_read_tokens'])} cache-read tokens, at list prices")
    kpi(c4, "Cost per task", money(econ.cost_per_task), None,
        help_text=f"{count(cur['traces'])} tasks in the window")


def economics_panel(econ: UnitEconomics) -> None:
    st.subheader("Unit economics")
    left, right = st.columns([1, 2])
    basis = (f"{econ.sessions} sessions in the window" if econ.complete
             else f"{econ.sessions} sessions of the latest {SAMPLE} tasks")  # fmt: skip
    left.metric("Average cost per session", money(econ.cost_per_session), help=basis)
    left.metric("Average cost per task", money(econ.cost_per_task))
    default = float(st.query_params.get("spd", round(econ.sessions_per_day, 1) or 100.0))
    spd = right.number_input("Sessions per day", min_value=0.0, value=default, step=10.0,
                             key="spd_input")  # fmt: skip
    set_param("spd", f"{spd:g}" if spd != round(econ.sessions_per_day, 1) else None)
    right.metric("Projected monthly cost", money(econ.monthly(spd)),
                 help=f"average cost per session × {spd:g} sessions/day × 30 days")
    right.caption(f"Basis: {basis}; observed ≈ {econ.sessions_per_day:,.1f} sessions/day.")


def top_tables(costly: list[dict[str, Any]], recent: list[dict[str, Any]], complete: bool
               ) -> None:  # fmt: skip
    left, right = st.columns(2)
    with left:
        st.subheader("Top traces by cost")
        rows = [{"trace": trace_link(t["trace_id"]), "task": t["root_name"],
                 "user": t["user_id"], "cost_usd": t["cost_usd"],
                 "tokens": t["input_tokens"] + t["output_tokens"]} for t in costly]
        st.dataframe(rows, hide_index=True, width="stretch", column_config={
            "trace": st.column_config.LinkColumn(display_text="open"),
            "cost_usd": st.column_config.NumberColumn("cost", format="$%.4f")})
    with right:
        st.subheader("Top sessions by cost")
        if not complete:
            st.caption(f"Among the sessions of the latest {SAMPLE} tasks.")
        st.dataframe(top_sessions(recent), hide_index=True, width="stretch", column_config={
            "cost_usd": st.column_config.NumberColumn("cost", format="$%.4f")})  # fmt: skip


# The split shows the 20 costliest values and "(other)"; no percentiles on this page. A week
# split by user is ~40k points otherwise, over a second to compute at 10M spans.
SPLIT = {"top": 20, "percentiles": "false"}


def body(w: Window, by: str, summary: dict[str, Any]) -> None:
    points = must_get(
        "/api/metrics/timeseries", bucket=w.bucket, by=by, **SPLIT, **w.params())["points"]
    # Cache savings price every model, so this split is never cut to the top 20.
    by_model = must_get("/api/metrics/timeseries", bucket="day", by="model", **w.params())["points"]
    recent = must_get("/api/traces", limit=SAMPLE, **w.params())
    costly = must_get("/api/traces", sort="cost", limit=10, **w.params())["traces"]
    econ = unit_economics(summary["current"], recent["traces"], recent["next_cursor"] is None,
                          (w.until - w.since).total_seconds() / 86400)  # fmt: skip
    tiles(summary["current"], summary["previous"], cache_savings(by_model), econ)
    left, right = st.columns([2, 1])
    with left:
        charts.series(charts.frame(points, by), "cost_usd", f"Cost by {by}", by, kind="area")
    with right:
        st.markdown(f"**Share by {by}**")
        charts.shares(totals_by(points, by, "cost_usd"), by, "cost_usd")
    tokens = per_bucket(points, TOKENS)
    charts.tokens(tokens)
    economics_panel(econ)
    top_tables(costly, recent["traces"], econ.complete)


header("Costs", "Where the money goes, what caching saved, and what a month will cost.")
w = window_picker()
by = split_picker()
prefetch([("/api/metrics/summary", w.params()),
          ("/api/metrics/timeseries", {"bucket": w.bucket, "by": by, **SPLIT, **w.params()}),
          ("/api/metrics/timeseries", {"bucket": "day", "by": "model", **w.params()}),
          ("/api/traces", {"limit": SAMPLE, **w.params()}),
          ("/api/traces", {"sort": "cost", "limit": 10, **w.params()})])
summary = must_get("/api/metrics/summary", **w.params())
if not summary["current"]["spans"]:
    empty_state("spend")
    st.stop()
body(w, by, summary)
