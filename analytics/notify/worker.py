"""The delivery worker: a runtime service that drains the outbox.

Each due item is sent once per attempt with a timeout; a retryable failure is rescheduled by
writing its next attempt time into the outbox (so backoff and a 429's Retry-After survive a
restart); after `max_attempts` it is marked failed. The success is recorded in one transaction
with its log row, so a restart never sends a delivered item again. The one window left is a
crash after the receiver answered and before that commit: the item is then sent again with the
same `X-Tracevault-Delivery` id, which receivers can deduplicate on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from analytics.notify.outbox import Attempt, OutboxItem, due, next_due_at, record_attempt
from analytics.notify.signing import signed_headers
from analytics.notify.transport import HttpSender, Sender, SendResult, backoff_s
from analytics.notify.urls import UrlNotAllowedError, check_url
from collector.store import Store

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DeliveryPolicy:
    allowed_hosts: tuple[str, ...]
    timeout_s: float = 10.0
    max_attempts: int = 8
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 300.0


def send_item(
    sender: Sender, policy: DeliveryPolicy, item: OutboxItem, now: datetime
) -> SendResult:
    """One HTTP attempt; a URL no longer allowed is a final failure without a request."""
    try:
        check_url(item.url, policy.allowed_hosts)
    except UrlNotAllowedError as exc:
        return SendResult(None, 0.0, f"not sent: {exc}")
    body = item.body.encode()
    secret = item.secret if item.channel_type == "webhook" else None
    headers = signed_headers(secret, int(now.timestamp()), body, item.outbox_id)
    return sender.send(item.url, body, headers, policy.timeout_s)


def next_step(
    policy: DeliveryPolicy, item: OutboxItem, result: SendResult, now: datetime,
    answered: datetime | None = None,
) -> Attempt:  # fmt: skip
    """Delivered, retry later (backoff or the receiver's Retry-After), or give up. The wait
    counts from when the answer came (`answered`), as Retry-After means."""
    if result.ok:
        return Attempt(item, result, now, "delivered", None)
    blocked = result.status_code is None and (result.error or "").startswith("not sent:")
    if blocked or not result.retryable or item.attempts + 1 >= policy.max_attempts:
        return Attempt(item, result, now, "failed", None)
    attempt_no = item.attempts + 1
    delay = backoff_s(attempt_no, policy.backoff_base_s, policy.backoff_cap_s, result.retry_after_s)
    return Attempt(item, result, now, "pending", (answered or now) + timedelta(seconds=delay))


class DeliveryWorker:
    def __init__(
        self,
        store: Store,
        policy: DeliveryPolicy,
        sender: Sender | None = None,
        clock: Clock = utcnow,
        poll_s: float = 1.0,
    ) -> None:
        self._store = store
        self.policy = policy
        self._sender = sender or HttpSender()
        self._clock = clock
        self._poll_s = poll_s
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="tracevault-notify", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self.policy.timeout_s + 5)
            self._thread = None
        self._sender.close()

    def wake(self) -> None:
        """New items were queued: look now instead of at the next poll."""
        self._wake.set()

    def run_once(self) -> list[Attempt]:
        """Attempt every item due now, oldest first; returns what happened to each."""
        attempts = []
        for item in due(self._store, self._clock()):
            if self._stopping.is_set():
                break
            now = self._clock()
            result = send_item(self._sender, self.policy, item, now)
            attempt = next_step(self.policy, item, result, now, self._clock())
            self._store.write(lambda con, a=attempt: record_attempt(con, a)).result()
            attempts.append(attempt)
        return attempts

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()  # before the scan, so a wake during it is not lost
            try:
                self.run_once()
            except Exception:  # keep the worker alive; the item stays pending and is retried
                log.exception("notification delivery failed")
            self._wake.wait(self._sleep_s())

    def _sleep_s(self) -> float:
        try:
            at = next_due_at(self._store)
        except Exception:
            return self._poll_s
        if at is None:
            return self._poll_s
        return min(max((at - self._clock()).total_seconds(), 0.0), self._poll_s)
