"""The alert state machine, as a pure function of (state, reading, rule, now).

    ok ──breach──▶ pending ──breach held for `for_s`──▶ firing ──clear held──▶ resolved
     ▲               │ clear                              │ breach: renotify every renotify_s
     └───────────────┘                                    ▼
    resolved behaves like ok: the next breach starts a new episode (a new event).

Flapping is damped: once an alert has fired FLAP_FIRES times within FLAP_WINDOW_S, it only
resolves after the condition has stayed clear for FLAP_HOLD_S, so a flapping condition becomes
one long alert instead of a stream of fire/resolve messages.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from analytics.alerts.model import NoData, RuleSpec

FLAP_WINDOW_S = 3600
FLAP_FIRES = 3
FLAP_HOLD_S = 900


@dataclass(frozen=True)
class AlertState:
    state: str = "ok"  # ok | pending | firing | resolved
    started_at: datetime | None = None  # when the current breach began
    fired_at: datetime | None = None
    clear_since: datetime | None = None  # while firing: when the condition cleared
    event_id: str | None = None
    value: float | None = None
    last_notified_at: datetime | None = None
    fire_times: tuple[datetime, ...] = ()  # recent firings, for flap detection

    def recent_fires(self, now: datetime) -> tuple[datetime, ...]:
        return tuple(t for t in self.fire_times if now - t < timedelta(seconds=FLAP_WINDOW_S))

    def flapping(self, now: datetime) -> bool:
        return len(self.recent_fires(now)) >= FLAP_FIRES


def breached(rule: RuleSpec, value: float | None) -> bool | None:
    """True/False for a reading; None when there is no data and the rule keeps its state."""
    if value is None:
        return {NoData.OK: False, NoData.ALERTING: True, NoData.KEEP: None}[rule.no_data]
    return rule.comparison.breached(value, rule.threshold)


def step(
    prev: AlertState, rule: RuleSpec, value: float | None, now: datetime
) -> tuple[AlertState, str | None]:
    """Next state and the action it calls for: None, "fire", "renotify" or "resolve"."""
    current = replace(prev, value=value)
    verdict = breached(rule, value)
    if verdict is None:
        return current, None
    return _on_breach(current, rule, now) if verdict else _on_clear(current, rule, now)


def _elapsed(since: datetime | None, now: datetime) -> float:
    return (now - since).total_seconds() if since else 0.0


def _on_breach(s: AlertState, rule: RuleSpec, now: datetime) -> tuple[AlertState, str | None]:
    if s.state == "firing":
        s = replace(s, clear_since=None)
        if rule.renotify_s and _elapsed(s.last_notified_at, now) >= rule.renotify_s:
            return replace(s, last_notified_at=now), "renotify"
        return s, None
    if s.state != "pending":
        s = replace(s, state="pending", started_at=now, fired_at=None, event_id=None)
    if _elapsed(s.started_at, now) < rule.for_s:
        return s, None
    fires = (*s.recent_fires(now), now)
    return replace(s, state="firing", fired_at=now, last_notified_at=now, fire_times=fires), "fire"


def _on_clear(s: AlertState, rule: RuleSpec, now: datetime) -> tuple[AlertState, str | None]:
    if s.state == "pending":
        return replace(s, state="ok", started_at=None), None
    if s.state != "firing":
        return s, None
    clear_since = s.clear_since or now
    hold = max(rule.resolve_for_s, FLAP_HOLD_S if s.flapping(now) else 0)
    if _elapsed(clear_since, now) < hold:
        return replace(s, clear_since=clear_since), None
    return replace(s, state="resolved", clear_since=None), "resolve"
