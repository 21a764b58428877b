"""Tables of the alerting feature, created by migration 4.

- `alert_rules`: one row per rule; the spec (including channel secrets) is one JSON document.
- `alert_projects`: projects whose default rules were created, so deleting a default rule
  does not bring it back.
- `alert_state`: the evaluator's state per (rule, scope): ok, pending, firing or resolved.
- `alert_events`: one row per alert episode, from firing to resolved (the history).
- `notify_outbox` / `notify_deliveries`: see `analytics.notify.outbox`.

Migration 6 adds `alert_events.replayed`: the event was found by replaying past traffic
(`analytics.alerts.replay`) and nothing was sent for it.

Events, finished notifications and the delivery log are kept `alert_history_days`
(`analytics.alerts.retention`); rules and their state are never aged out.
"""

from __future__ import annotations

import duckdb

from analytics.notify.outbox import create_notify_tables

_DDL = (
    """CREATE TABLE alert_rules (
    rule_id VARCHAR PRIMARY KEY,
    project VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    spec VARCHAR NOT NULL,
    enabled BOOLEAN NOT NULL,
    is_default BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
)""",
    """CREATE TABLE alert_projects (
    project VARCHAR PRIMARY KEY,
    seeded_at TIMESTAMPTZ NOT NULL
)""",
    """CREATE TABLE alert_state (
    rule_id VARCHAR NOT NULL,
    scope_key VARCHAR NOT NULL,
    project VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    started_at TIMESTAMPTZ,
    fired_at TIMESTAMPTZ,
    clear_since TIMESTAMPTZ,
    event_id VARCHAR,
    value DOUBLE,
    evaluated_at TIMESTAMPTZ NOT NULL,
    last_notified_at TIMESTAMPTZ,
    fire_times VARCHAR NOT NULL,
    PRIMARY KEY (rule_id, scope_key)
)""",
    """CREATE TABLE alert_events (
    event_id VARCHAR PRIMARY KEY,
    project VARCHAR NOT NULL,
    rule_id VARCHAR NOT NULL,
    rule_name VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    scope_key VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    comparison VARCHAR NOT NULL,
    threshold DOUBLE NOT NULL,
    window_s INTEGER NOT NULL,
    value DOUBLE,
    last_value DOUBLE,
    started_at TIMESTAMPTZ NOT NULL,
    fired_at TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ,
    examples VARCHAR NOT NULL,
    notifications INTEGER NOT NULL,
    flapping BOOLEAN NOT NULL
)""",
)


def m004_alerts(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in _DDL:
        con.execute(ddl)
    create_notify_tables(con)


def m006_alert_replay(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("ALTER TABLE alert_events ADD COLUMN replayed BOOLEAN NOT NULL DEFAULT false")
