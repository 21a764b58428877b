"""Security: prompt-injection findings with their evidence, loops and runaway sessions, invalid
tool calls, redaction counts by entity type, and 401/403 answers from the model API."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.data import prefetch
from ui.state import Window, window_picker
from ui.tables import alerts_table, findings_table, trace_link
from ui.views import count, header, section_get

INJECTION = ("prompt_injection",)
LOOPS = ("tool_loop", "iteration_limit", "repeated_request", "runaway_session")
INVALID = ("invalid_tool_name", "invalid_tool_arguments")
AUTH_METRIC = "auth_errors"
LIMIT = 1000


def of_kind(findings: list[dict[str, Any]], kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    return [f for f in findings if f["kind"] in kinds]


def injection_section(found: list[dict[str, Any]]) -> None:
    st.subheader("Prompt injection")
    if not found:
        st.success("No injection attempt found in this window.", icon=":material/check_circle:")
        return
    for f in found:
        ev = f.get("evidence") or {}
        with st.container(border=True):
            st.markdown(f"**{f['severity'].upper()}** · score {f['score']:.2f} · "
                        f"source `{ev.get('source', '?')}` · [open trace]"
                        f"({trace_link(f.get('trace_id'))})")  # fmt: skip
            st.code(ev.get("excerpt") or "", language=None, wrap_lines=True)
            st.caption("Why: " + ", ".join(ev.get("reasons") or ["(no reasons given)"]))


def auth_section(events: list[dict[str, Any]] | None) -> None:
    st.subheader("401 / 403 from the model API")
    if events is None:
        return
    auth = [e for e in events if e.get("metric") == AUTH_METRIC]
    st.caption("Alert episodes of the rule on 401/403 answers (one per firing), newest first.")
    alerts_table(auth, "No 401/403 episode in this window.")


def redaction_section(w: Window) -> None:
    st.subheader("Redactions by entity type")
    data = section_get("/api/metrics/redaction", "Redaction totals", **w.params())
    if data is None:
        return
    if not data["entities"]:
        st.success("Nothing needed redacting in this window.", icon=":material/check_circle:")
    else:
        st.dataframe(data["entities"], hide_index=True, use_container_width=True)
    dropped = sum(r["content_dropped"] for r in data["by_redactor"])
    by = ", ".join(f"{r['by']}: {r['spans']:,} spans" for r in data["by_redactor"])
    st.caption(f"Spans by redactor — {by}. Content dropped (redaction fell behind): {dropped:,}.")


def tiles(findings: list[dict[str, Any]], auth: int | None) -> None:
    cols = st.columns(4)
    cols[0].metric("Injection findings", count(len(of_kind(findings, INJECTION))), border=True)
    cols[1].metric("Loops & runaways", count(len(of_kind(findings, LOOPS))), border=True)
    cols[2].metric("Invalid tool calls", count(len(of_kind(findings, INVALID))), border=True)
    cols[3].metric("401/403 episodes", count(auth), border=True)


def body(w: Window) -> None:
    prefetch(
        [
            ("/api/findings", {"limit": LIMIT, **w.params()}),
            ("/api/alerts/events", {"limit": LIMIT, **w.params()}),
            ("/api/metrics/redaction", w.params()),
        ]
    )
    data = section_get("/api/findings", "Findings", limit=LIMIT, **w.params())
    findings = data["findings"] if data else []
    events = section_get("/api/alerts/events", "Alert history", limit=LIMIT, **w.params())
    ev_list = events["events"] if events else None
    tiles(findings, None if ev_list is None else
          sum(e.get("metric") == AUTH_METRIC for e in ev_list))  # fmt: skip
    injection_section(of_kind(findings, INJECTION))
    left, right = st.columns(2)
    with left:
        st.subheader("Loops and runaway sessions")
        findings_table(of_kind(findings, LOOPS), "No loop or runaway session in this window.")
    with right:
        st.subheader("Invalid tool calls")
        findings_table(of_kind(findings, INVALID), "Every tool call was valid.")
    left, right = st.columns(2)
    with left:
        auth_section(ev_list)
    with right:
        redaction_section(w)


header("Security", "Injection attempts, runaway agents, invalid tool calls and auth failures.")
body(window_picker())
