"""The notification outbox and the delivery log, both tables in the project's store.

A notification is written to `notify_outbox` in the same transaction that changes the alert's
state, so it exists exactly when the alert transition does, and survives a restart. The
delivery worker marks it delivered in the transaction that logs the successful attempt.
Every attempt (success or not) is a row in `notify_deliveries`.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from analytics.notify.transport import SendResult
from analytics.notify.urls import mask_url
from collector.store import Store

_DDL = (
    """CREATE TABLE notify_outbox (
    outbox_id VARCHAR PRIMARY KEY,
    project VARCHAR NOT NULL,
    event_id VARCHAR,
    rule_id VARCHAR,
    kind VARCHAR NOT NULL,
    channel_type VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    secret VARCHAR,
    body VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ,
    last_error VARCHAR
)""",
    """CREATE TABLE notify_deliveries (
    delivery_id VARCHAR PRIMARY KEY,
    outbox_id VARCHAR,
    project VARCHAR NOT NULL,
    event_id VARCHAR,
    rule_id VARCHAR,
    kind VARCHAR NOT NULL,
    channel_type VARCHAR NOT NULL,
    url_masked VARCHAR NOT NULL,
    attempt INTEGER NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL,
    status_code INTEGER,
    ok BOOLEAN NOT NULL,
    error VARCHAR,
    duration_ms DOUBLE NOT NULL,
    retry_after_s DOUBLE,
    next_attempt_at TIMESTAMPTZ
)""",
)


def create_notify_tables(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in _DDL:
        con.execute(ddl)


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


@dataclass
class OutboxItem:
    outbox_id: str
    project: str
    event_id: str | None
    rule_id: str | None
    kind: str
    channel_type: str  # slack | webhook
    url: str
    secret: str | None
    body: str  # the JSON text sent, built when queued
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None

    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


_ITEM_COLUMNS = (
    "outbox_id, project, event_id, rule_id, kind, channel_type, url, secret, body, created_at, "
    "attempts, next_attempt_at"
)


def enqueue(con: duckdb.DuckDBPyConnection, items: list[OutboxItem]) -> None:
    for it in items:
        con.execute(
            f"INSERT INTO notify_outbox ({_ITEM_COLUMNS}, status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'pending')",
            [it.outbox_id, it.project, it.event_id, it.rule_id, it.kind, it.channel_type,
             it.url, it.secret, it.body, it.created_at, it.next_attempt_at or it.created_at],
        )  # fmt: skip


def due(store: Store, now: datetime, limit: int = 50) -> list[OutboxItem]:
    rows = store.query(
        f"SELECT {_ITEM_COLUMNS} FROM notify_outbox WHERE status = 'pending' "
        "AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at, outbox_id LIMIT ?",
        [now, limit],
    )
    return [OutboxItem(**r) for r in rows]


def next_due_at(store: Store) -> datetime | None:
    rows = store.query(
        "SELECT min(next_attempt_at) AS at FROM notify_outbox WHERE status = 'pending'"
    )
    return rows[0]["at"] if rows else None


@dataclass(frozen=True)
class Attempt:
    """One try at one outbox item, and what it leads to."""

    item: OutboxItem
    result: SendResult
    attempted_at: datetime
    status: str  # delivered | pending (retry later) | failed (gave up)
    next_attempt_at: datetime | None


def log_delivery(con: duckdb.DuckDBPyConnection, a: Attempt) -> None:
    it, r = a.item, a.result
    con.execute(
        "INSERT INTO notify_deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [new_id("dlv"), it.outbox_id, it.project, it.event_id,
         it.rule_id, it.kind, it.channel_type, mask_url(it.url), it.attempts + 1,
         a.attempted_at, r.status_code, r.ok, r.error, r.duration_ms, r.retry_after_s,
         a.next_attempt_at],
    )  # fmt: skip


def record_attempt(con: duckdb.DuckDBPyConnection, a: Attempt) -> None:
    """Log the attempt and move the outbox item on, in the caller's transaction."""
    log_delivery(con, a)
    con.execute(
        "UPDATE notify_outbox SET status = ?, attempts = attempts + 1, "
        "next_attempt_at = coalesce(?, next_attempt_at), delivered_at = ?, last_error = ? "
        "WHERE outbox_id = ?",
        [a.status, a.next_attempt_at, a.attempted_at if a.status == "delivered" else None,
         a.result.error, a.item.outbox_id],
    )  # fmt: skip


def deliveries_for(store: Store, project: str, event_ids: list[str]) -> dict[str, list[dict]]:
    """Delivery log rows per event id, oldest first."""
    if not event_ids:
        return {}
    rows = store.query(
        "SELECT event_id, outbox_id, kind, channel_type, url_masked, attempt, attempted_at, "
        "status_code, ok, error, duration_ms, retry_after_s, next_attempt_at "
        "FROM notify_deliveries WHERE project = ? AND list_contains(?, event_id) "
        "ORDER BY attempted_at, attempt",
        [project, event_ids],
    )
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row.pop("event_id"), []).append(row)
    return out
