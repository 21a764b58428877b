"""Rendering: Slack Block Kit and the generic webhook body, exact."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from analytics.notify.message import (
    Notification,
    console_link,
    format_value,
    slack_body,
    webhook_body,
)
from tests.alerts.conftest import CONSOLE, NOW

FIRING = Notification(
    kind="firing", project="shop", event_id="alert_1", rule_id="rule_1",
    rule_name="Success rate below 90%", metric="success_rate", severity="critical",
    comparison="lt", threshold=0.9, window_s=900, scope={"service": "checkout"}, value=0.25,
    started_at=NOW, sent_at=NOW + timedelta(seconds=30), fired_at=NOW + timedelta(seconds=30),
    examples=["a" * 32, "b" * 32, "c" * 32, "d" * 32],
)  # fmt: skip
LINK = (
    "http://console.test/traces?project=shop&service=checkout"
    "&since=2026-03-02T11%3A45%3A00%2B00%3A00&until=2026-03-02T12%3A05%3A30%2B00%3A00"
    "&status=error"
)


def test_console_link_filters_scope_window_and_errors() -> None:
    assert console_link("http://console.test/", FIRING) == LINK


def test_slack_body_has_every_field_when_firing() -> None:
    body = slack_body(FIRING, "http://console.test")
    assert body["text"] == ":red_circle: FIRING · Success rate below 90%: 25.0% (< 90.0%)"
    header, facts, examples, actions, context = body["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "emoji": True,
                      "text": ":red_circle: FIRING · Success rate below 90%"}}  # fmt: skip
    assert [f["text"] for f in facts["fields"]] == [
        "*Severity*\nCRITICAL",
        "*Rule*\nSuccess rate below 90%",
        "*Scope*\nservice=checkout",
        "*Value*\n25.0% (threshold &lt; 90.0%)",
        "*Window*\n15m",
        "*Since*\n2026-03-02 12:00:30 UTC",
    ]
    assert examples["text"]["text"] == "*Example traces*\n" + "\n".join(
        f"• <http://console.test/traces?project=shop&trace_id={c * 32}|{c * 16}>" for c in "abc"
    )
    assert actions["elements"][0]["url"] == LINK
    assert context["elements"][0]["text"] == "project shop · rule rule_1 · alert alert_1"


def test_slack_body_says_resolved_without_examples_when_resolved() -> None:
    resolved = replace(FIRING, kind="resolved", value=0.97, examples=[],
                       resolved_at=NOW + timedelta(minutes=3))  # fmt: skip
    body = slack_body(resolved, "http://console.test")
    title = ":white_check_mark: RESOLVED · Success rate below 90%"
    assert body["blocks"][0]["text"]["text"] == title
    assert [b["type"] for b in body["blocks"]] == ["header", "section", "actions", "context"]
    assert body["blocks"][1]["fields"][5]["text"] == "*Resolved*\n2026-03-02 12:03:00 UTC"


def test_slack_body_escapes_control_characters_in_names() -> None:
    odd = replace(FIRING, rule_name="<b> & co", examples=[])
    fields = slack_body(odd, "http://c")["blocks"][1]["fields"]
    assert fields[1]["text"] == "*Rule*\n&lt;b&gt; &amp; co"


def test_webhook_body_matches_documented_schema() -> None:
    body = webhook_body(FIRING, "http://console.test", "ntf_9")
    assert body == {
        "schema": "tracevault.alert.v1", "delivery_id": "ntf_9", "kind": "firing",
        "project": "shop", "event_id": "alert_1",
        "rule": {"id": "rule_1", "name": "Success rate below 90%", "metric": "success_rate",
                 "severity": "critical", "comparison": "lt", "threshold": 0.9, "window_s": 900},
        "scope": {"service": "checkout"}, "value": 0.25, "value_text": "25.0%",
        "threshold_text": "< 90.0%", "started_at": "2026-03-02T12:00:00+00:00",
        "fired_at": "2026-03-02T12:00:30+00:00", "resolved_at": None,
        "sent_at": "2026-03-02T12:00:30+00:00", "console_url": LINK,
        "example_traces": [
            {"trace_id": c * 32, "url": f"{CONSOLE}/traces?project=shop&trace_id={c * 32}"}
            for c in "abc"
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("metric", "value", "text"),
    [("success_rate", 0.912, "91.2%"), ("p95_latency_ms", 312_000, "5m12s"),
     ("p99_latency_ms", 1500, "1.5s"), ("cost_usd", 1234.5, "$1,234.50"),
     ("cost_anomaly", 4.25, "4.2× baseline"), ("throughput_per_min", 12, "12.0/min"),
     ("auth_errors", 3, "3"), ("health_failing", None, "no data")],
)  # fmt: skip
def test_format_value_reads_naturally_per_metric(metric: str, value: float, text: str) -> None:
    assert format_value(metric, value) == text
