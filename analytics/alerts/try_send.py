"""`POST /api/alerts/rules/{id}/test`: one notification of kind "test" to each channel, now.

It bypasses the outbox (an admin wants the answer, not a retry schedule) but is written to the
delivery log like any other attempt.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from analytics.alerts.compose import notification, render
from analytics.alerts.measure import Probe, measure
from analytics.alerts.model import Rule
from analytics.alerts.state import AlertState
from analytics.notify.outbox import Attempt, OutboxItem, log_delivery, new_id
from analytics.notify.transport import HttpSender, Sender
from analytics.notify.urls import mask_url
from analytics.notify.worker import DeliveryPolicy, send_item
from collector.store import Store


def _current_value(store: Store, rule: Rule, now: datetime, probe: Probe) -> float | None:
    readings = measure(store, rule, now, probe)
    return readings[0].value if readings else None


def send_test(
    store: Store, rule: Rule, console_url: str, policy: DeliveryPolicy, probe: Probe,
    sender: Sender | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    now = datetime.now(UTC)
    state = AlertState(value=_current_value(store, rule, now, probe), started_at=now)
    note = notification("test", rule, rule.scope.given(), state, [], now)
    sender = sender or HttpSender()
    try:
        return [_send_one(store, rule, i, note, console_url, policy, sender, now)
                for i in range(len(rule.channels))]  # fmt: skip
    finally:
        sender.close()


def _send_one(
    store: Store, rule: Rule, index: int, note: Any, console_url: str, policy: DeliveryPolicy,
    sender: Sender, now: datetime,
) -> dict[str, Any]:  # fmt: skip
    channel = rule.channels[index]
    test_id = new_id("test")
    secret = channel.secret.get_secret_value() if channel.secret else None
    item = OutboxItem(test_id, rule.project, None, rule.rule_id, "test", channel.type,
                      channel.url.get_secret_value(), secret,
                      render(note, channel, console_url, test_id), now)  # fmt: skip
    result = send_item(sender, policy, item, now)
    attempt = Attempt(item, result, now, "delivered" if result.ok else "failed", None)
    store.write(lambda con: log_delivery(con, attempt)).result()
    return {
        "channel": index,
        "type": channel.type,
        "url": mask_url(item.url),
        "ok": result.ok,
        "status_code": result.status_code,
        "error": result.error,
        "duration_ms": round(result.duration_ms, 1),
    }
