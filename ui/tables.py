"""Tables shared by pages: findings and alert events, each row linking to its trace."""

from __future__ import annotations

from typing import Any

import streamlit as st


def when(iso: str | None) -> str | None:
    """ISO time -> 'YYYY-MM-DD HH:MM' (UTC), short enough for a table column."""
    return iso[:16].replace("T", " ") if iso else None


def trace_link(trace_id: str | None) -> str | None:
    return f"/traces?trace={trace_id}" if trace_id else None


def finding_summary(f: dict[str, Any]) -> str:
    """One line of a finding's evidence a person can read."""
    ev = f.get("evidence") or {}
    if ev.get("excerpt"):
        return str(ev["excerpt"])
    if "value" in ev and "threshold" in ev:
        return f"{ev['value']} (threshold {ev['threshold']})"
    if ev.get("offered") is not None:
        return f"offered: {', '.join(ev['offered'])}"
    if ev.get("errors"):
        return "; ".join(map(str, ev["errors"]))
    return ", ".join(f"{k}={v}" for k, v in list(ev.items())[:3])


def findings_rows(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{
        "severity": f["severity"],
        "kind": f["kind"], "subject": f.get("subject"), "score": f.get("score"),
        "evidence": finding_summary(f), "when": when(f.get("observed_at") or f.get("created_at")),
        "trace": trace_link(f.get("trace_id")),
    } for f in findings]  # fmt: skip


def findings_table(findings: list[dict[str, Any]], empty: str) -> None:
    if not findings:
        st.success(empty, icon=":material/check_circle:")
        return
    st.dataframe(findings_rows(findings), hide_index=True, width="stretch",
                 column_config={"trace": st.column_config.LinkColumn("trace", display_text="open"),
                                "score": st.column_config.NumberColumn(format="%.2f")})


def alert_rows(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{
        "severity": e["severity"],
        "rule": e["rule_name"], "state": e["state"], "value": e.get("value"),
        "threshold": e.get("threshold"), "fired": when(e.get("fired_at")),
        "resolved": when(e.get("resolved_at")),
        "example": trace_link((e.get("examples") or [None])[0]),
    } for e in events]  # fmt: skip


def alerts_table(events: list[dict[str, Any]], empty: str) -> None:
    if not events:
        st.success(empty, icon=":material/check_circle:")
        return
    st.dataframe(alert_rows(events), hide_index=True, width="stretch",
                 column_config={"example": st.column_config.LinkColumn(display_text="trace")})
