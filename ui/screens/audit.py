"""Audit: the tool-call log with filters, the hash chain's verification status, and export.

Verification recomputes the whole chain and export streams every record, so both run when
asked (a button), not on every page view."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from ui import data
from ui.api_client import ApiError
from ui.state import Window, select_filter, set_param, text_filter, window_picker
from ui.tables import trace_link
from ui.views import count, header, must_get, section_get

PAGE = 100


def call_rows(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"time": c["start_time"][:19].replace("T", " "), "tool": c["tool_name"],
             "outcome": ("✖ " if c["outcome"] == "error" else "✓ ") + c["outcome"],
             "arguments": json.dumps(c["arguments"], ensure_ascii=False)
             if c["arguments"] is not None else None,
             "result_bytes": c["result_bytes"], "duration_ms": c["duration_ms"],
             "user": c["user_id"], "tenant": c["tenant_id"], "session": c["session_id"],
             "agent": c["agent_name"], "error": c["error_type"],
             "trace": trace_link(c["trace_id"])} for c in calls]  # fmt: skip


def tool_calls(w: Window) -> None:
    st.subheader("Tool calls")
    cols = st.columns(5)
    chosen = {n: text_filter(cols[i], n, n.title()) for i, n in
              enumerate(("tool", "user", "tenant", "session"))}  # fmt: skip
    chosen["status"] = select_filter(cols[4], "status", "Outcome", ["ok", "error"])
    cursor = st.query_params.get("cursor")
    page = must_get("/api/audit/tool-calls", limit=PAGE, cursor=cursor, **chosen, **w.params())
    calls = page["tool_calls"]
    st.caption(f"{len(calls)} tool calls on this page" + (" (more on the next)"
               if page["next_cursor"] else ""))  # fmt: skip
    st.dataframe(call_rows(calls), hide_index=True, width="stretch", column_config={
        "trace": st.column_config.LinkColumn(display_text="open"),
        "duration_ms": st.column_config.NumberColumn("duration", format="%.0f ms")})
    left, right = st.columns(2)
    if cursor and left.button("⏮ First page"):
        set_param("cursor", None)
        st.rerun()
    if page["next_cursor"] and right.button("Next page ⏭"):
        set_param("cursor", page["next_cursor"])
        st.rerun()


def verification() -> None:
    st.subheader("Chain verification")
    st.caption("Recomputes every batch's hash chain; needs an admin key.")
    if st.button("Verify the chain now", icon=":material/verified:", key="verify"):
        st.session_state["verify_report"] = section_get("/api/audit/verify", "Verification",
                                                        admin=True)  # fmt: skip
    report = st.session_state.get("verify_report")
    if not report:
        return
    line = (f"{count(report['batches_checked'])} batches, {count(report['spans_checked'])} "
            f"spans checked")  # fmt: skip
    if report["ok"]:
        st.success(f"Chain intact: {line}.", icon=":material/verified:")
    else:
        st.error(f"Chain BROKEN: {report['problem_count']} problem(s); {line}. First broken "
                 f"link: {json.dumps(report['first_break'])}", icon=":material/gpp_bad:")


def export() -> None:
    st.subheader("Export")
    st.caption("JSONL of chain records and spans, verifiable offline with `tracevault audit`.")
    c1, c2 = st.columns(2)
    lo = c1.number_input("From record", min_value=0, value=0, help="0: from the first")
    hi = c2.number_input("To record", min_value=0, value=0, help="0: to the last")
    if st.button("Prepare export", icon=":material/download:", key="prepare_export"):
        try:
            text = data.client().get_text("/api/audit/export", from_seq=lo or None,
                                          to_seq=hi or None)  # fmt: skip
        except ApiError as exc:
            st.error(f"Export failed: {exc}", icon=":material/error:")
            return
        st.session_state["export_text"] = text
    text = st.session_state.get("export_text")
    if text is not None:
        st.download_button(f"Download ({count(len(text.splitlines()))} lines)", text,
                           "tracevault-audit.jsonl", "application/x-ndjson", type="primary")


header("Audit", "Who called which tool with what, and proof that the record was not altered.")
w = window_picker()
tool_calls(w)
left, right = st.columns(2)
with left:
    verification()
with right:
    export()
