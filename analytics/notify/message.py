"""One alert notification and its two renderings: Slack Block Kit and the generic JSON webhook.

Both are pure functions of a `Notification`, built when the notification is queued, so what is
sent reflects the alert as it was when it fired, however late delivery happens.

Generic webhook body (schema `tracevault.alert.v1`)::

    {
      "schema": "tracevault.alert.v1",
      "delivery_id": "…",            # same on every retry: receivers deduplicate on it
      "kind": "firing" | "renotify" | "resolved" | "test",
      "project": "…",
      "event_id": "…",               # one per alert episode (rule + scope, firing to resolved)
      "rule": {"id", "name", "metric", "severity", "comparison", "threshold", "window_s"},
      "scope": {"service": "…", …},  # rule scope plus the group_by value, if any
      "value": 0.42 | null, "value_text": "42.0%", "threshold_text": "< 90.0%",
      "started_at": ISO-8601, "fired_at": ISO-8601 | null, "resolved_at": ISO-8601 | null,
      "sent_at": ISO-8601,
      "console_url": "…",            # the console filtered to the scope and time
      "example_traces": [{"trace_id": "…", "url": "…"}]   # at most three
    }

Headers: `X-Tracevault-Delivery` (the delivery id), `X-Tracevault-Timestamp` (unix seconds),
`X-Tracevault-Signature: sha256=<hex>`, see `analytics.notify.signing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

SCHEMA = "tracevault.alert.v1"
MAX_EXAMPLES = 3
_ICONS = {"critical": ":red_circle:", "warning": ":warning:", "info": ":information_source:"}
_TITLES = {"firing": "FIRING", "renotify": "STILL FIRING", "resolved": "RESOLVED", "test": "TEST"}


@dataclass(frozen=True)
class Notification:
    kind: str  # firing | renotify | resolved | test
    project: str
    event_id: str
    rule_id: str
    rule_name: str
    metric: str
    severity: str
    comparison: str  # gt | gte | lt | lte
    threshold: float
    window_s: int
    scope: dict[str, str]
    value: float | None
    started_at: datetime
    sent_at: datetime
    fired_at: datetime | None = None
    resolved_at: datetime | None = None
    examples: list[str] = field(default_factory=list)


_SYMBOLS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def format_value(metric: str, value: float | None) -> str:
    if value is None:
        return "no data"
    if metric in ("success_rate", "error_rate"):
        return f"{value * 100:.1f}%"
    if metric.endswith("latency_ms"):
        return format_duration(value / 1000)
    if metric == "cost_usd":
        return f"${value:,.2f}"
    if metric == "cost_anomaly":
        return f"{value:.1f}× baseline"
    if metric == "throughput_per_min":
        return f"{value:,.1f}/min"
    return f"{value:,.0f}"


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s" if seconds % 1 else f"{seconds:.0f}s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    parts = ((hours, "h"), (minutes, "m"), (secs, "s"))
    return "".join(f"{n}{unit}" for n, unit in parts if n)


def threshold_text(n: Notification) -> str:
    return f"{_SYMBOLS[n.comparison]} {format_value(n.metric, n.threshold)}"


def console_link(base: str, n: Notification) -> str:
    """The traces page filtered to the alert's scope and to its window around the firing."""
    until = (n.resolved_at or n.sent_at) + timedelta(minutes=5)
    since = n.started_at - timedelta(seconds=n.window_s)
    query = {"project": n.project, **n.scope}
    query |= {"since": since.isoformat(), "until": until.isoformat()}
    if n.metric in ("success_rate", "error_rate", "auth_errors"):
        query["status"] = "error"
    return f"{base.rstrip('/')}/traces?{urlencode(query)}"


def trace_link(base: str, project: str, trace_id: str) -> str:
    return f"{base.rstrip('/')}/traces?{urlencode({'project': project, 'trace_id': trace_id})}"


def scope_text(n: Notification) -> str:
    parts = [f"{k}={v}" for k, v in sorted(n.scope.items())]
    return ", ".join(parts) if parts else f"all of project {n.project}"


def webhook_body(n: Notification, console_base: str, delivery_id: str) -> dict[str, Any]:
    rule = {
        "id": n.rule_id,
        "name": n.rule_name,
        "metric": n.metric,
        "severity": n.severity,
        "comparison": n.comparison,
        "threshold": n.threshold,
        "window_s": n.window_s,
    }
    examples = [
        {"trace_id": t, "url": trace_link(console_base, n.project, t)}
        for t in n.examples[:MAX_EXAMPLES]
    ]
    return {
        "schema": SCHEMA,
        "delivery_id": delivery_id,
        "kind": n.kind,
        "project": n.project,
        "event_id": n.event_id,
        "rule": rule,
        "scope": dict(n.scope),
        "value": n.value,
        "value_text": format_value(n.metric, n.value),
        "threshold_text": threshold_text(n),
        "started_at": n.started_at.isoformat(),
        "fired_at": n.fired_at.isoformat() if n.fired_at else None,
        "resolved_at": n.resolved_at.isoformat() if n.resolved_at else None,
        "sent_at": n.sent_at.isoformat(),
        "console_url": console_link(console_base, n),
        "example_traces": examples,
    }


def _esc(text: str) -> str:
    """Slack mrkdwn treats &, < and > as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _field(label: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": f"*{label}*\n{value}"[:2000]}


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text[:3000]}


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def slack_title(n: Notification) -> str:
    icon = ":white_check_mark:" if n.kind == "resolved" else _ICONS.get(n.severity, "")
    return f"{icon} {_TITLES[n.kind]} · {n.rule_name}"


def _slack_fields(n: Notification) -> list[dict[str, str]]:
    value = f"{format_value(n.metric, n.value)} (threshold {threshold_text(n)})"
    when = n.resolved_at or n.fired_at or n.started_at
    return [
        _field("Severity", n.severity.upper()),
        _field("Rule", _esc(n.rule_name)),
        _field("Scope", _esc(scope_text(n))),
        _field("Value", _esc(value)),
        _field("Window", format_duration(n.window_s)),
        _field("Resolved" if n.resolved_at else "Since", when.strftime("%Y-%m-%d %H:%M:%S UTC")),
    ]


def _slack_examples(n: Notification, console_base: str) -> dict[str, Any]:
    lines = [
        f"• <{trace_link(console_base, n.project, t)}|{t[:16]}>" for t in n.examples[:MAX_EXAMPLES]
    ]
    return {"type": "section", "text": _mrkdwn("*Example traces*\n" + "\n".join(lines))}


def slack_body(n: Notification, console_base: str) -> dict[str, Any]:
    """Block Kit message: header, the facts as fields, examples, a console button, ids."""
    button = {
        "type": "button",
        "text": _plain("Open in tracevault", 75),
        "url": console_link(console_base, n)[:3000],
    }
    ids = _esc(f"project {n.project} · rule {n.rule_id} · alert {n.event_id}")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(slack_title(n), 150)},
        {"type": "section", "fields": _slack_fields(n)},
    ]
    if n.examples:
        blocks.append(_slack_examples(n, console_base))
    blocks.append({"type": "actions", "elements": [button]})
    blocks.append({"type": "context", "elements": [_mrkdwn(ids)]})
    fallback = f"{slack_title(n)}: {format_value(n.metric, n.value)} ({threshold_text(n)})"
    return {"text": fallback, "blocks": blocks}
