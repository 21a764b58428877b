"""Reading and writing alert state and alert events (the history)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from analytics.alerts.model import Rule
from analytics.alerts.state import AlertState
from collector.store import Store
from collector.store.filters import scoped_where

_STATE_COLS = (
    "rule_id, scope_key, project, state, started_at, fired_at, clear_since, event_id, value, "
    "evaluated_at, last_notified_at, fire_times"
)


def _state(row: dict[str, Any]) -> AlertState:
    fires = tuple(datetime.fromisoformat(t) for t in json.loads(row["fire_times"]))
    return AlertState(row["state"], row["started_at"], row["fired_at"], row["clear_since"],
                      row["event_id"], row["value"], row["last_notified_at"], fires)  # fmt: skip


def load_states(store: Store) -> dict[tuple[str, str], AlertState]:
    rows = store.query(f"SELECT {_STATE_COLS} FROM alert_state")
    return {(r["rule_id"], r["scope_key"]): _state(r) for r in rows}


def worth_keeping(s: AlertState, now: datetime) -> bool:
    """ok/resolved rows matter only while their recent firings count towards flapping."""
    return s.state in ("pending", "firing") or bool(s.recent_fires(now))


def save_state(
    con: duckdb.DuckDBPyConnection, rule: Rule, key: str, s: AlertState, now: datetime
) -> None:
    if not worth_keeping(s, now):
        con.execute(
            "DELETE FROM alert_state WHERE rule_id = ? AND scope_key = ?", [rule.rule_id, key]
        )
        return
    fires = json.dumps([t.isoformat() for t in s.recent_fires(now)])
    con.execute(
        f"INSERT INTO alert_state ({_STATE_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (rule_id, scope_key) DO UPDATE SET state = excluded.state, "
        "started_at = excluded.started_at, fired_at = excluded.fired_at, "
        "clear_since = excluded.clear_since, event_id = excluded.event_id, "
        "value = excluded.value, evaluated_at = excluded.evaluated_at, "
        "last_notified_at = excluded.last_notified_at, fire_times = excluded.fire_times",
        [rule.rule_id, key, rule.project, s.state, s.started_at, s.fired_at, s.clear_since,
         s.event_id, s.value, now, s.last_notified_at, fires],
    )  # fmt: skip


@dataclass(frozen=True)
class EventChange:
    """What one transition does to the history."""

    action: str  # fire | renotify | resolve
    rule: Rule
    scope: dict[str, str]
    key: str
    state: AlertState
    examples: list[str]
    notified: int  # notifications queued for this transition
    now: datetime
    replayed: bool = False  # found by a replay of past traffic: history only, never notified


def write_event(con: duckdb.DuckDBPyConnection, c: EventChange) -> None:
    s = c.state
    if c.action == "fire":
        r = c.rule
        con.execute(
            "INSERT INTO alert_events VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, 'firing', ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
            [s.event_id, r.project, r.rule_id, r.name, r.metric.value, r.severity.value,
             json.dumps(c.scope, sort_keys=True), c.key, r.comparison.value, r.threshold,
             r.window_s, s.value, s.value, s.started_at or c.now, c.now,
             json.dumps(c.examples), c.notified, s.flapping(c.now), c.replayed],
        )  # fmt: skip
        return
    resolved = c.action == "resolve"
    con.execute(
        "UPDATE alert_events SET last_value = ?, notifications = notifications + ?, "
        "state = CASE WHEN ? THEN 'resolved' ELSE state END, "
        "resolved_at = CASE WHEN ? THEN ?::TIMESTAMPTZ ELSE resolved_at END, "
        "flapping = flapping OR ? WHERE event_id = ?",
        [s.value, c.notified, resolved, resolved, c.now, s.flapping(c.now), s.event_id],
    )


@dataclass
class EventFilter:
    rule_id: str | None = None
    state: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    replayed: bool | None = None


def list_events(store: Store, project: str, f: EventFilter) -> list[dict[str, Any]]:
    equals = {"rule_id": f.rule_id, "state": f.state, "replayed": f.replayed}
    where, params = scoped_where(project, equals, "fired_at", f.since, f.until)
    rows = store.query(
        f"SELECT * FROM alert_events WHERE {where} ORDER BY fired_at DESC, event_id LIMIT ?",
        [*params, f.limit],
    )
    for row in rows:
        row["scope"] = json.loads(row["scope"])
        row["examples"] = json.loads(row["examples"])
    return rows
