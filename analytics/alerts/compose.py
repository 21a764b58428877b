"""From an alert transition to outbox items: one per channel of the rule, body rendered now."""

from __future__ import annotations

import json
from datetime import datetime

from analytics.alerts.model import Channel, Rule
from analytics.alerts.state import AlertState
from analytics.notify.message import Notification, slack_body, webhook_body
from analytics.notify.outbox import OutboxItem, new_id


def notification(
    kind: str, rule: Rule, scope: dict[str, str], s: AlertState, examples: list[str],
    now: datetime,
) -> Notification:  # fmt: skip
    return Notification(
        kind=kind,
        project=rule.project,
        event_id=s.event_id or "",
        rule_id=rule.rule_id,
        rule_name=rule.name,
        metric=rule.metric.value,
        severity=rule.severity.value,
        comparison=rule.comparison.value,
        threshold=rule.threshold,
        window_s=rule.window_s,
        scope=dict(scope),
        value=s.value,
        started_at=s.started_at or now,
        sent_at=now,
        fired_at=s.fired_at,
        resolved_at=now if kind == "resolved" else None,
        examples=list(examples),
    )


def render(n: Notification, channel: Channel, console_url: str, outbox_id: str) -> str:
    if channel.type == "slack":
        return json.dumps(slack_body(n, console_url))
    return json.dumps(webhook_body(n, console_url, outbox_id))


def outbox_items(n: Notification, rule: Rule, console_url: str, now: datetime) -> list[OutboxItem]:
    items = []
    for channel in rule.channels:
        outbox_id = new_id("ntf")
        secret = channel.secret.get_secret_value() if channel.secret else None
        items.append(OutboxItem(
            outbox_id=outbox_id, project=rule.project, event_id=n.event_id or None,
            rule_id=rule.rule_id, kind=n.kind, channel_type=channel.type,
            url=channel.url.get_secret_value(), secret=secret,
            body=render(n, channel, console_url, outbox_id), created_at=now,
        ))  # fmt: skip
    return items
