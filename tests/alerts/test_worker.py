"""The delivery worker against the local Slack stand-in, over a real store, with a fake clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analytics.notify.outbox import OutboxItem, enqueue
from analytics.notify.signing import verify
from analytics.notify.worker import DeliveryPolicy, DeliveryWorker
from collector.store import DuckDBStore
from tests.alerts.conftest import NOW, PROJECT
from tests.alerts.slack_server import SlackServer

POLICY = DeliveryPolicy(allowed_hosts=("127.0.0.1",), timeout_s=5, max_attempts=4,
                        backoff_base_s=1.0)  # fmt: skip


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def queue(
    store, url: str, channel: str = "slack", secret: str | None = None, at: datetime = NOW
) -> str:
    item = OutboxItem("ntf_0", PROJECT, "alert_1", "rule_1", "firing", channel, url, secret,
                      json.dumps({"text": "hello"}), at)  # fmt: skip
    store.write(lambda con: enqueue(con, [item])).result()
    return item.outbox_id


def outbox_row(store, outbox_id: str) -> dict:
    return store.query(
        "SELECT status, attempts, next_attempt_at, delivered_at, last_error FROM notify_outbox "
        "WHERE outbox_id = ?", [outbox_id])[0]  # fmt: skip


def log(store) -> list[tuple]:
    rows = store.query(
        "SELECT attempt, status_code, ok, retry_after_s, attempted_at, next_attempt_at "
        "FROM notify_deliveries ORDER BY attempt"
    )
    return [tuple(r.values()) for r in rows]


def test_worker_retries_server_errors_then_delivers_once(store, slack: SlackServer) -> None:
    slack.script("/hook", (500, {}), (500, {}))
    clock = Clock()
    worker = DeliveryWorker(store, POLICY, clock=clock)
    outbox_id = queue(store, slack.url("/hook"))
    statuses = []
    for step_s in (0, 0.5, 0.5, 1.0, 1.0, 10.0):  # due at +0, +1 (backoff 1 s), +3 (2 s)
        clock.advance(step_s)
        statuses += [a.status for a in worker.run_once()]
    assert statuses == ["pending", "pending", "delivered"]
    assert [r.status for r in slack.requests("/hook")] == [500, 500, 200]
    assert outbox_row(store, outbox_id)["status"] == "delivered"
    assert [(a, code, ok) for a, code, ok, *_ in log(store)] == [
        (1, 500, False), (2, 500, False), (3, 200, True)]  # fmt: skip
    worker.stop()


def test_worker_honours_retry_after_on_429(store, slack: SlackServer) -> None:
    slack.script("/hook", (429, {"Retry-After": "2"}))
    clock = Clock()
    worker = DeliveryWorker(store, POLICY, clock=clock)
    queue(store, slack.url("/hook"))
    worker.run_once()
    clock.advance(1.9)
    assert worker.run_once() == []  # the backoff alone (1 s) would have retried by now
    clock.advance(0.1)
    assert [a.status for a in worker.run_once()] == ["delivered"]
    first, second = log(store)
    assert first[1:4] == (429, False, 2.0)
    assert first[5] - first[4] == timedelta(seconds=2)
    assert second[1:3] == (200, True)
    worker.stop()


def test_worker_gives_up_at_once_on_client_error(store, slack: SlackServer) -> None:
    slack.script("/hook", (404, {}))
    worker = DeliveryWorker(store, POLICY, clock=Clock())
    outbox_id = queue(store, slack.url("/hook"))
    assert [a.status for a in worker.run_once()] == ["failed"]
    row = outbox_row(store, outbox_id)
    assert (row["status"], row["attempts"], row["last_error"]) == ("failed", 1, "HTTP 404: error")
    worker.stop()


def test_worker_gives_up_after_max_attempts(store, slack: SlackServer) -> None:
    slack.script("/hook", *[(503, {})] * 10)
    clock = Clock()
    worker = DeliveryWorker(store, POLICY, clock=clock)
    outbox_id = queue(store, slack.url("/hook"))
    for _ in range(10):
        worker.run_once()
        clock.advance(60)
    assert len(slack.requests("/hook")) == POLICY.max_attempts
    assert outbox_row(store, outbox_id)["status"] == "failed"
    worker.stop()


def test_worker_refuses_host_removed_from_allow_list(store, slack: SlackServer) -> None:
    worker = DeliveryWorker(store, DeliveryPolicy(allowed_hosts=("hooks.slack.com",)))
    outbox_id = queue(store, slack.url("/hook"))
    worker.run_once()
    row = outbox_row(store, outbox_id)
    assert (row["status"], slack.requests()) == ("failed", [])
    assert row["last_error"].startswith("not sent: webhook host '127.0.0.1' is not allowed")
    worker.stop()


def test_worker_signs_webhook_body(store, slack: SlackServer) -> None:
    clock = Clock()
    worker = DeliveryWorker(store, POLICY, clock=clock)
    queue(store, slack.url("/in"), channel="webhook", secret="whsec")
    worker.run_once()
    (req,) = slack.requests("/in")
    ts = int(req.headers["X-Tracevault-Timestamp"])
    assert ts == int(NOW.timestamp())
    assert req.headers["X-Tracevault-Delivery"] == "ntf_0"
    assert verify("whsec", ts, req.body, req.headers["X-Tracevault-Signature"], now=ts)
    worker.stop()


def test_outbox_survives_restart_and_delivers_once(tmp_path: Path, slack: SlackServer) -> None:
    path = tmp_path / "restart.duckdb"
    first = DuckDBStore(path)
    queue(first, slack.url("/hook"))
    first.close()  # the collector stops before delivering
    second = DuckDBStore(path)
    worker = DeliveryWorker(second, POLICY, clock=Clock())
    assert [a.status for a in worker.run_once()] == ["delivered"]
    worker.stop()
    second.close()
    third = DuckDBStore(path)  # and once delivered, a later start sends nothing again
    assert DeliveryWorker(third, POLICY, clock=Clock()).run_once() == []
    third.close()
    assert len(slack.requests("/hook")) == 1


def test_worker_thread_delivers_when_woken_and_stops_twice(store, slack: SlackServer) -> None:
    worker = DeliveryWorker(store, POLICY, poll_s=60)
    worker.start()
    queue(store, slack.url("/hook"), at=datetime.now(UTC))  # due now by the real clock
    worker.wake()
    (req,) = slack.wait_for(1, "/hook")
    assert json.loads(req.body) == {"text": "hello"}
    worker.stop()
    worker.stop()
