"""Alerts: rules with create, edit, delete and "send test"; firing alerts; history.

Reading needs the read key; changing rules and sending tests need an admin key (sidebar)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import data
from ui.api_client import ApiError
from ui.rule_form import COMPARISONS, METRICS, rule_form
from ui.tables import alerts_table
from ui.views import NEEDS_ADMIN, header, section_get

HISTORY = 200


def rule_rows(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"rule": r["name"], "metric": METRICS.get(r["metric"], r["metric"]),
             "condition": f"{COMPARISONS.get(r['comparison'], r['comparison'])} {r['threshold']:g}",
             "window": f"{r['window_s'] // 60} min", "severity": r["severity"],
             "scope": ", ".join(f"{k}={v}" for k, v in (r.get("scope") or {}).items() if v)
             or "all", "channels": len(r.get("channels") or []), "enabled": r["enabled"],
             "default": r.get("is_default", False)} for r in rules]  # fmt: skip


def act(label: str, method: str, path: str, body: Any = None) -> Any | None:
    """One admin write; a readable message either way, and fresh reads afterwards."""
    if not data.client().admin_key:
        st.warning(f"{label} {NEEDS_ADMIN}", icon=":material/key:")
        return None
    try:
        resp = data.client().request(method, path, admin=True, json=body)
    except ApiError as exc:
        st.error(f"{label} failed: {exc}", icon=":material/error:")
        return None
    data.clear()
    st.toast(f"{label}: done", icon=":material/check:")
    return resp.json() if resp.content else {}


def manage(rules: list[dict[str, Any]]) -> None:
    names = {r["rule_id"]: r["name"] for r in rules}
    tab_edit, tab_new = st.tabs(["Edit a rule", "New rule"])
    with tab_new:
        spec = rule_form("new_rule", None)
        if spec and act("Create rule", "POST", "/api/alerts/rules", spec):
            st.rerun()
    with tab_edit:
        if not rules:
            st.caption("No rules yet.")
            return
        rule_id = st.selectbox("Rule", list(names), format_func=names.get, key="edit_rule")
        rule = next(r for r in rules if r["rule_id"] == rule_id)
        spec = rule_form(f"edit_{rule_id}", rule)
        if spec and act("Save rule", "PATCH", f"/api/alerts/rules/{rule_id}", spec):
            st.rerun()
        left, right = st.columns(2)
        if left.button("Send test notification", icon=":material/send:", key="test_rule"):
            sent = act("Send test", "POST", f"/api/alerts/rules/{rule_id}/test")
            if sent is not None:
                st.json(sent.get("deliveries"), expanded=False)
        sure = right.checkbox("I want to delete this rule", key="confirm_delete")
        clicked = right.button("Delete rule", icon=":material/delete:", disabled=not sure,
                               key="delete")  # fmt: skip
        if clicked and act("Delete rule", "DELETE", f"/api/alerts/rules/{rule_id}") is not None:
            st.rerun()


header("Alerts", "What pages you, what is firing now, and what fired before.")
firing = section_get("/api/alerts/events", "Firing alerts", state="firing", limit=100)
st.subheader("Firing now")
if firing is not None:
    alerts_table(firing["events"], "Nothing is firing.")
rules = section_get("/api/alerts/rules", "Alert rules")
if rules is not None:
    st.subheader(f"Rules ({len(rules['rules'])})")
    st.dataframe(rule_rows(rules["rules"]), hide_index=True, width="stretch")
    manage(rules["rules"])
st.subheader("History")
history = section_get("/api/alerts/events", "Alert history", limit=HISTORY)
if history is not None:
    alerts_table(history["events"], "No alert has fired yet.")
