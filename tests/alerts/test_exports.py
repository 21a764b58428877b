"""The public surface of the alerting packages is pinned: a change here is deliberate."""

from __future__ import annotations

import analytics.alerts
import analytics.notify


def test_alerts_exports_are_pinned() -> None:
    assert analytics.alerts.__all__ == [
        "JOB", "AlertState", "Channel", "Comparison", "Metric", "MetricParams", "NoData",
        "NotifyService", "Rule", "RuleSpec", "Scope", "Severity", "evaluate_alerts", "step",
    ]  # fmt: skip
    assert all(hasattr(analytics.alerts, name) for name in analytics.alerts.__all__)


def test_notify_exports_are_pinned() -> None:
    assert analytics.notify.__all__ == [
        "DeliveryPolicy", "DeliveryWorker", "HttpSender", "Notification", "RecordingSender",
        "SendResult", "Sender", "check_url", "mask_url", "sign", "slack_body", "verify",
        "webhook_body",
    ]  # fmt: skip
    assert all(hasattr(analytics.notify, name) for name in analytics.notify.__all__)
