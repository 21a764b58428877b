"""Altair charts for the pages: series over time (optionally split), bars and histograms.

Every chart is interactive (tooltips, zoom and pan on the time axis) and drawn from a plain
list of dicts as the API returned it, so a page adds no reshaping of its own.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

HEIGHT = 240


def frame(points: list[dict[str, Any]], by: str | None = None) -> pd.DataFrame:
    df = pd.DataFrame(points)
    if df.empty:
        return df
    df["bucket"] = pd.to_datetime(df["bucket"], utc=True)
    if by:
        df[by] = df[by].fillna("(none)")
    return df


def _fmt(field: str) -> str:
    if "cost" in field:
        return "$,.4f"
    return ".1%" if "rate" in field else ",.0f"


def series(df: pd.DataFrame, field: str, title: str, by: str | None = None,
           kind: str = "line") -> None:  # fmt: skip
    """`field` over time, one colour per value of `by`; nothing drawn for an empty frame."""
    if df.empty or field not in df:
        st.caption(f"{title}: no data in this window.")
        return
    data = df.dropna(subset=[field])
    if by:  # values that never had any of `field` (e.g. agent spans for cost) only add noise
        data = data[data.groupby(by)[field].transform("sum") != 0]
    mark = (alt.Chart(data).mark_area(opacity=0.7) if kind == "area"
            else alt.Chart(data).mark_line(point=True))  # fmt: skip
    enc = {"x": alt.X("bucket:T", title=None),
           "y": alt.Y(f"{field}:Q", title=title, axis=alt.Axis(format=_fmt(field)),
                      stack=True if kind == "area" else None),
           "tooltip": [alt.Tooltip("bucket:T", title="time"),
                       alt.Tooltip(f"{field}:Q", title=title, format=_fmt(field))]}  # fmt: skip
    if by:
        enc["color"] = alt.Color(f"{by}:N", title=by)
        enc["tooltip"].insert(1, alt.Tooltip(f"{by}:N"))
    chart = mark.encode(**enc).properties(height=HEIGHT, title=title).interactive(bind_y=False)
    st.altair_chart(chart, width="stretch")


def percentiles(df: pd.DataFrame, title: str) -> None:
    """p50/p95/p99 as three lines over time."""
    if df.empty:
        st.caption(f"{title}: no data in this window.")
        return
    long = df.melt(id_vars=["bucket"], value_vars=["p50_ms", "p95_ms", "p99_ms"],
                   var_name="percentile", value_name="ms").dropna()  # fmt: skip
    long["percentile"] = long["percentile"].str.replace("_ms", "")
    chart = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("bucket:T", title=None), y=alt.Y("ms:Q", title="ms"),
        color=alt.Color("percentile:N", sort=["p50", "p95", "p99"]),
        tooltip=["bucket:T", "percentile:N", alt.Tooltip("ms:Q", format=",.0f")],
    ).properties(height=HEIGHT, title=title).interactive(bind_y=False)  # fmt: skip
    st.altair_chart(chart, width="stretch")


def shares(rows: list[dict[str, Any]], label: str, field: str) -> None:
    """Totals per value with each one's share of the whole, as a table with bars."""
    if not rows:
        st.caption("No spend in this window.")
        return
    total = sum(r[field] for r in rows) or 1.0
    table = [{label: r[label], "cost": r[field], "share": r[field] / total} for r in rows]
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "cost": st.column_config.NumberColumn(format="$%.4f"),
        "share": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)})


def binned_histogram(buckets: list[dict[str, Any]], title: str) -> None:
    """Counts per server-side log bin (`lo_ms`, `hi_ms`, `count`) on a log axis."""
    if not buckets:
        st.caption(f"{title}: no data in this window.")
        return
    df = pd.DataFrame(buckets)
    chart = alt.Chart(df).mark_bar().encode(
        x=alt.X("lo_ms:Q", scale=alt.Scale(type="log"), title="duration (ms, log scale)"),
        x2="hi_ms:Q",
        y=alt.Y("count:Q", title="tasks"),
        tooltip=[alt.Tooltip("lo_ms:Q", format=",.0f", title="from ms"),
                 alt.Tooltip("hi_ms:Q", format=",.0f", title="to ms"), "count:Q"],
    ).properties(height=HEIGHT, title=title)  # fmt: skip
    st.altair_chart(chart, width="stretch")


def tokens(points: list[dict[str, Any]]) -> None:
    """Input (uncached part), cache reads, cache writes and output per bucket, stacked bars."""
    if not points:
        st.caption("Tokens: no data in this window.")
        return
    df = frame(points)
    df["uncached_input"] = (df["input_tokens"] - df["cache_read_tokens"]
                            - df["cache_write_tokens"]).clip(lower=0)  # fmt: skip
    df["time"] = df["bucket"].dt.strftime("%b %d %H:%M")  # one band per bucket, not a thin line
    kinds = ["uncached_input", "cache_read_tokens", "cache_write_tokens", "output_tokens"]
    long = df.melt(id_vars=["time"], value_vars=kinds, var_name="kind", value_name="tokens")
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("time:O", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("tokens:Q", stack=True, title="tokens"),
        color=alt.Color("kind:N", sort=kinds), tooltip=["time:O", "kind:N",
                                                        alt.Tooltip("tokens:Q", format=",")],
    ).properties(height=HEIGHT, title="Tokens")  # fmt: skip
    st.altair_chart(chart, width="stretch")
