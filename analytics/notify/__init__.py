"""Notifications: Slack Block Kit and signed JSON webhooks, an outbox in the store, and the
delivery worker (timeout, retries with backoff, Retry-After, delivery log)."""

from analytics.notify.message import Notification, slack_body, webhook_body
from analytics.notify.signing import sign, verify
from analytics.notify.transport import HttpSender, RecordingSender, Sender, SendResult
from analytics.notify.urls import check_url, mask_url
from analytics.notify.worker import DeliveryPolicy, DeliveryWorker

__all__ = [
    "DeliveryPolicy",
    "DeliveryWorker",
    "HttpSender",
    "Notification",
    "RecordingSender",
    "SendResult",
    "Sender",
    "check_url",
    "mask_url",
    "sign",
    "slack_body",
    "verify",
    "webhook_body",
]
