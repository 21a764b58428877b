"""The alert-rule form: the same fields for create and edit, turned into the API's RuleSpec."""

from __future__ import annotations

from typing import Any

import streamlit as st

METRICS = {
    "success_rate": "Success rate (0–1)", "error_rate": "Error rate (0–1)",
    "p95_latency_ms": "P95 latency (ms)", "p99_latency_ms": "P99 latency (ms)",
    "cost_usd": "Cost in window (USD)", "cost_anomaly": "Cost vs baseline (×)",
    "throughput_per_min": "Model calls per minute", "auth_errors": "401/403 answers",
    "injection_findings": "Injection findings", "loop_findings": "Loop findings",
    "ingest_queue_depth": "Ingest queue depth", "health_failing": "Failing health checks",
}  # fmt: skip
COMPARISONS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
SEVERITIES = ["critical", "warning", "info"]
SCOPES = ["service", "agent", "model", "tool", "user", "tenant"]
GROUPS = {"": "(no grouping)", **{s: s for s in SCOPES}}


def spec_from_form(values: dict[str, Any]) -> dict[str, Any]:
    """A RuleSpec body; empty scope fields and an empty channel URL are left out."""
    spec = {k: values[k] for k in ("name", "metric", "comparison", "threshold", "window_s",
                                   "for_s", "severity", "renotify_s", "enabled")}  # fmt: skip
    spec["scope"] = {k: values[f"scope_{k}"] for k in SCOPES if values.get(f"scope_{k}")}
    spec["group_by"] = values.get("group_by") or None
    url = (values.get("slack_url") or "").strip()
    spec["channels"] = [{"type": "slack", "url": url}] if url else []
    return spec


def _pick(label: str, options: list[str], current: str | None, key: str,
          labels: dict[str, str] | None = None) -> str:  # fmt: skip
    index = options.index(current) if current in options else 0
    return st.selectbox(label, options, index=index, key=key,
                        format_func=labels.get if labels else str)  # fmt: skip


def rule_form(key: str, rule: dict[str, Any] | None) -> dict[str, Any] | None:
    """Draw the form (pre-filled from `rule`); the spec when submitted, else None."""
    r = rule or {}
    with st.form(key):
        v: dict[str, Any] = {"name": st.text_input("Name", r.get("name", ""), key=f"{key}_name")}
        c1, c2, c3 = st.columns(3)
        with c1:
            v["metric"] = _pick("Metric", list(METRICS), r.get("metric"), f"{key}_metric", METRICS)
        with c2:
            v["comparison"] = _pick("Comparison", list(COMPARISONS), r.get("comparison", "gt"),
                                    f"{key}_comparison", COMPARISONS)  # fmt: skip
        v["threshold"] = c3.number_input("Threshold", value=float(r.get("threshold", 0.0)),
                                         key=f"{key}_threshold")  # fmt: skip
        c1, c2, c3 = st.columns(3)
        v["window_s"] = c1.number_input("Window (s)", 60, 7 * 86400, int(r.get("window_s", 900)),
                                        key=f"{key}_window")  # fmt: skip
        v["for_s"] = c2.number_input("Breach must last (s)", 0, None, int(r.get("for_s", 0)),
                                     key=f"{key}_for")  # fmt: skip
        with c3:
            v["severity"] = _pick("Severity", SEVERITIES, r.get("severity", "warning"),
                                  f"{key}_severity")  # fmt: skip
        scope = r.get("scope") or {}
        cols = st.columns(len(SCOPES))
        for col, name in zip(cols, SCOPES, strict=True):
            v[f"scope_{name}"] = col.text_input(f"Only {name}", scope.get(name) or "",
                                            key=f"{key}_scope_{name}")  # fmt: skip
        c1, c2, c3 = st.columns(3)
        with c1:
            v["group_by"] = _pick("One alert per", ["", *SCOPES], r.get("group_by") or "",
                                  f"{key}_group_by", GROUPS)  # fmt: skip
        v["renotify_s"] = c2.number_input("Re-notify every (s)", 0, None,
                                          int(r.get("renotify_s", 3600)), key=f"{key}_renotify")
        v["enabled"] = c3.toggle("Enabled", r.get("enabled", True), key=f"{key}_enabled")
        channels = r.get("channels") or []
        v["slack_url"] = st.text_input(
            "Slack webhook URL", channels[0]["url"] if channels else "",
            help="Shown masked; leave it unchanged to keep the stored URL.", key=f"{key}_slack")
        submitted = st.form_submit_button("Save rule", type="primary")
    return spec_from_form(v) if submitted else None
