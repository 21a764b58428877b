"""A trace as a waterfall: spans in tree order (parents above children), each a bar from its
start to its end relative to the trace start, coloured by kind, errors and findings marked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

COLORS = {"chat": "#4C78A8", "execute_tool": "#F58518", "invoke_agent": "#54A24B",
          "other": "#9D9D9D", "error": "#E45756"}  # fmt: skip


def _walk(nodes: list[dict[str, Any]], depth: int = 0) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for node in nodes:
        out.append((depth, node))
        out += _walk(node.get("children") or [], depth + 1)
    return out


def rows(tree: list[dict[str, Any]], flagged: set[str]) -> list[dict[str, Any]]:
    """One row per span in depth-first order, times in ms from the trace's first start."""
    ordered = _walk(tree)
    if not ordered:
        return []
    t0 = min(datetime.fromisoformat(n["start_time"]) for _, n in ordered)
    out = []
    for i, (depth, n) in enumerate(ordered):
        start = (datetime.fromisoformat(n["start_time"]) - t0).total_seconds() * 1000
        kind = n.get("operation") if n.get("operation") in COLORS else "other"
        marks = ("⚠ " if n["span_id"] in flagged else "") + ("✖ " if n["status"] == "error"
                                                           else "")  # fmt: skip
        out.append({"order": i, "span_id": n["span_id"], "label": f"{i + 1:>2}. {'  ' * depth}"
                    f"{marks}{n['name']}", "start_ms": start,
                    "end_ms": start + (n.get("duration_ms") or 0),
                    "duration_ms": n.get("duration_ms") or 0, "status": n["status"],
                    "kind": "error" if n["status"] == "error" else kind})  # fmt: skip
    return out


def chart(items: list[dict[str, Any]]) -> None:
    df = pd.DataFrame(items)
    bars = alt.Chart(df).mark_bar(cornerRadius=2, height=14).encode(
        y=alt.Y("label:N", sort=alt.EncodingSortField("order"), title=None,
                axis=alt.Axis(labelLimit=360, labelFontSize=12)),
        x=alt.X("start_ms:Q", title="ms from trace start"), x2="end_ms:Q",
        color=alt.Color("kind:N", scale=alt.Scale(domain=list(COLORS),
                                                  range=list(COLORS.values())), title=None),
        tooltip=["label:N", alt.Tooltip("start_ms:Q", format=",.1f"),
                 alt.Tooltip("duration_ms:Q", format=",.1f"), "status:N"],
    )  # fmt: skip
    text = alt.Chart(df).mark_text(align="left", dx=4, fontSize=11).encode(
        y=alt.Y("label:N", sort=alt.EncodingSortField("order")), x="end_ms:Q",
        text=alt.Text("duration_ms:Q", format=",.0f"))  # fmt: skip
    height = max(120, 26 * len(df) + 40)
    st.altair_chart((bars + text).properties(height=height), width="stretch")
