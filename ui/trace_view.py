"""One trace: totals, findings, the span waterfall, and the chosen span's fields and content."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import conversation, waterfall
from ui.state import set_param
from ui.tables import finding_summary
from ui.views import count, money, ms, must_get

HIDDEN = {"attributes", "resource", "events", "links", "content", "redaction", "children",
          "project", "batch_id", "trace_id"}  # fmt: skip
TTFT_KEY = "gen_ai.response.time_to_first_chunk"


def default_span(spans: list[dict[str, Any]], flagged: set[str]) -> str:
    """The span worth seeing first: the first error, else the first flagged span, else the
    last model call (it carries the whole conversation), else the root."""
    errors = [s for s in spans if s["status"] == "error" and s.get("parent_span_id")]
    marked = [s for s in spans if s["span_id"] in flagged]
    chats = [s for s in spans if s.get("operation") == "chat"]
    pick = (errors or marked or [None])[0] or (chats[-1] if chats else spans[0])
    return pick["span_id"]


def totals(spans: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    cols = st.columns(5)
    errors = sum(s["status"] == "error" for s in spans)
    cols[0].metric("Duration", ms(max((r["end_ms"] for r in rows), default=0)))
    cols[1].metric("Spans", count(len(spans)))
    cols[2].metric("Cost", money(sum(s["cost_usd"] or 0 for s in spans)))
    tokens = sum((s["input_tokens"] or 0) + (s["output_tokens"] or 0) for s in spans)
    cols[3].metric("Tokens", count(tokens))
    cols[4].metric("Errors", count(errors))


def findings_box(findings: list[dict[str, Any]]) -> None:
    for f in findings:
        text = (f"**{f['kind']}** ({f['severity']}, "
                f"score {f['score']:.2f}) · {f.get('subject') or ''}\n\n{finding_summary(f)}")
        (st.error if f["severity"] == "high" else st.warning)(text, icon=":material/flag:")


def span_fields(span: dict[str, Any]) -> None:
    if span["status"] == "error":
        st.error(f"**{span.get('error_type') or 'error'}** · HTTP {span.get('http_status') or '–'}"
                 f" · {span.get('status_message') or ''} (class: {span.get('error_class')})",
                 icon=":material/error:")  # fmt: skip
    ttft = (span.get("attributes") or {}).get(TTFT_KEY)
    if ttft is not None:
        st.metric("Time to first token", ms(float(ttft) * 1000))
    fields = {k: v for k, v in span.items() if k not in HIDDEN and v not in (None, "", [])}
    st.dataframe([{"field": k, "value": str(v)} for k, v in fields.items()], hide_index=True,
                 width="stretch")
    redaction = span.get("redaction") or {}
    if redaction.get("entities"):
        found = ", ".join(f"{k} × {v}" for k, v in sorted(redaction["entities"].items()))
        st.caption(f"🔒 redacted by {redaction.get('by')}: {found}")


def span_detail(span: dict[str, Any], flagged: dict[str, list[dict[str, Any]]]) -> None:
    st.subheader(span["name"])
    if span["span_id"] in flagged:
        findings_box(flagged[span["span_id"]])
    tab_chat, tab_fields, tab_raw = st.tabs(["Conversation", "Fields", "Attributes & events"])
    with tab_chat:
        turns = conversation.turns(span.get("content"), span.get("tool_name"))
        if turns:
            conversation.render(turns)
        else:
            st.caption("No content was captured for this span (metadata only).")
    with tab_fields:
        span_fields(span)
    with tab_raw:
        st.json({"attributes": span.get("attributes"), "resource": span.get("resource"),
                 "events": span.get("events"), "links": span.get("links")}, expanded=1)


def show_trace(trace_id: str) -> None:
    if st.button("← All traces", type="tertiary"):
        set_param("trace", None)
        set_param("span", None)
        st.rerun()
    data = must_get(f"/api/traces/{trace_id}")
    spans, findings = data["spans"], data.get("findings") or []
    flagged: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        flagged.setdefault(f.get("span_id") or "", []).append(f)
    st.markdown(f"**Trace** `{data['trace_id']}`")
    rows = waterfall.rows(data["tree"], set(flagged))
    totals(spans, rows)
    findings_box(findings)
    waterfall.chart(rows)
    by_id = {s["span_id"]: s for s in spans}
    labels = {r["span_id"]: r["label"].strip() for r in rows}
    wanted = st.query_params.get("span")
    current = wanted if wanted in by_id else default_span(spans, set(flagged))
    chosen = st.selectbox("Span", list(labels), index=list(labels).index(current),
                          format_func=labels.get, key="span_pick")  # fmt: skip
    set_param("span", chosen if chosen != current or wanted else None)
    span_detail(by_id[chosen], flagged)
