"""Traces: the list with every filter of GET /api/traces (all kept in the URL), and one trace
(`?trace=<id>`) as a waterfall with its spans, conversation and findings."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.state import Window, select_filter, set_param, text_filter, window_picker
from ui.trace_view import show_trace
from ui.views import empty_state, header, must_get

TEXT_FILTERS = [("service", "Service"), ("agent", "Agent"), ("model", "Model"),
                ("user", "User"), ("session", "Session"), ("tenant", "Tenant"),
                ("tool", "Tool"), ("q", "Search content")]  # fmt: skip
SORTS = {"start_time": "newest", "cost": "cost", "duration": "duration"}
PAGE = 50


def _number(raw: str) -> float | None:
    try:
        return float(raw) if raw else None
    except ValueError:
        st.warning(f"{raw!r} is not a number; ignored.")
        return None


def filters() -> dict[str, Any]:
    with st.expander("Filters", expanded=any(st.query_params.get(n) for n, _ in TEXT_FILTERS),
                     icon=":material/filter_list:"):  # fmt: skip
        cols = st.columns(4)
        chosen: dict[str, Any] = {n: text_filter(cols[i % 4], n, label)
                                  for i, (n, label) in enumerate(TEXT_FILTERS)}  # fmt: skip
        cols = st.columns(4)
        chosen["status"] = select_filter(cols[0], "status", "Status", ["ok", "error"])
        chosen["error_class"] = select_filter(cols[1], "error_class", "Error class",
                                              ["transient", "permanent", "tool"])  # fmt: skip
        chosen["min_cost"] = _number(text_filter(cols[2], "min_cost", "Min cost (USD)"))
        chosen["min_duration_ms"] = _number(text_filter(cols[3], "min_duration_ms",
                                                        "Min duration (ms)"))  # fmt: skip
    left, right = st.columns([3, 1])
    sort = left.segmented_control("Sort by", list(SORTS), format_func=SORTS.get, required=True,
                                  default=st.query_params.get("sort", "start_time"), key="sort")
    set_param("sort", None if sort == "start_time" else sort)
    order = right.selectbox("Order", ["desc", "asc"], key="order",
                            index=1 if st.query_params.get("order") == "asc" else 0)
    set_param("order", None if order == "desc" else order)
    return {**chosen, "sort": sort or "start_time", "order": order}


def trace_rows(traces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"open": f"/traces?trace={t['trace_id']}",
             "start": t["start_time"][:19].replace("T", " "), "task": t["root_name"],
             "status": ("✖ " if t["status"] == "error" else "✓ ") + t["status"],
             "duration_ms": t["duration_ms"], "cost_usd": t["cost_usd"],
             "tokens": (t["input_tokens"] or 0) + (t["output_tokens"] or 0),
             "spans": t["span_count"], "models": ", ".join(t["models"] or []),
             "tools": ", ".join(t["tools"] or []), "agent": t["agent_name"],
             "user": t["user_id"], "session": t["session_id"], "trace_id": t["trace_id"]}
            for t in traces]  # fmt: skip


def listing(w: Window, chosen: dict[str, Any]) -> None:
    cursor = st.query_params.get("cursor")
    data = must_get("/api/traces", limit=PAGE, cursor=cursor, **chosen, **w.params())
    traces = data["traces"]
    if not traces:
        if any(v for k, v in chosen.items() if k not in ("sort", "order")):
            st.info("No trace matches these filters in this window.", icon=":material/search_off:")
        else:
            empty_state("traces")
        return
    st.caption(f"{len(traces)} traces on this page · select a row or click open")
    event = st.dataframe(trace_rows(traces), hide_index=True, width="stretch", key="trace_table",
                         on_select="rerun", selection_mode="single-row", column_config={
        "open": st.column_config.LinkColumn("", display_text="open", width="small"),
        "duration_ms": st.column_config.NumberColumn("duration", format="%.0f ms"),
        "cost_usd": st.column_config.NumberColumn("cost", format="$%.4f")})  # fmt: skip
    if event.selection.rows:
        set_param("trace", traces[event.selection.rows[0]]["trace_id"])
        st.rerun()
    pager(cursor, data["next_cursor"])


def pager(cursor: str | None, next_cursor: str | None) -> None:
    left, right = st.columns(2)
    if cursor and left.button("⏮ First page"):
        set_param("cursor", None)
        st.rerun()
    if next_cursor and right.button("Next page ⏭"):
        set_param("cursor", next_cursor)
        st.rerun()


header("Traces", "Every agent task, filterable; open one to see its spans and conversation.")
if st.query_params.get("trace_id"):  # the spelling alert notifications use
    set_param("trace", st.query_params["trace_id"])
    set_param("trace_id", None)
if st.query_params.get("trace"):
    show_trace(st.query_params["trace"])
else:
    w = window_picker()
    listing(w, filters())
