"""One evaluation tick: seed new projects, read every enabled rule, move alert states on, and
commit state, history and queued notifications in ONE transaction, so a notification exists
exactly when its transition does (and a restart neither loses nor repeats it)."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

import duckdb

from analytics.alerts.compose import notification, outbox_items
from analytics.alerts.defaults import seed_projects, unseeded_projects
from analytics.alerts.examples import example_traces
from analytics.alerts.measure import Measurement, Probe, measure
from analytics.alerts.model import Rule, RuleSpec
from analytics.alerts.persist import EventChange, load_states, save_state, write_event
from analytics.alerts.rules import enabled_rules
from analytics.alerts.state import AlertState, step
from analytics.notify.outbox import OutboxItem, enqueue, new_id
from collector.store import Store

log = logging.getLogger(__name__)
_NOTIFY_KIND = {"fire": "firing", "renotify": "renotify", "resolve": "resolved"}


@dataclass
class AlertContext:
    """What evaluation needs from the collector (built from the Runtime, or by tests)."""

    store: Store
    console_url: str
    default_specs: list[RuleSpec]
    probe: Probe
    on_enqueued: Callable[[], None] = lambda: None
    # the replay (analytics.alerts.replay): readings from its precomputed table, and
    # transitions recorded as replayed history with nothing queued for the channels
    measure: Callable[[Store, Rule, datetime, Probe], list[Measurement]] = measure
    replay: bool = False


@dataclass
class Plan:
    """Everything one tick will write, applied in one transaction."""

    now: datetime
    seeded: int = 0
    rules: int = 0
    states: list[tuple[Rule, str, AlertState]] = field(default_factory=list)
    events: list[EventChange] = field(default_factory=list)
    outbox: list[OutboxItem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def apply(self, con: duckdb.DuckDBPyConnection) -> None:
        for rule, key, s in self.states:
            save_state(con, rule, key, s, self.now)
        for change in self.events:
            write_event(con, change)
        enqueue(con, self.outbox)

    def summary(self) -> dict[str, object]:
        actions = [c.action for c in self.events]
        return {
            "projects_seeded": self.seeded,
            "rules": self.rules,
            "fired": actions.count("fire"),
            "renotified": actions.count("renotify"),
            "resolved": actions.count("resolve"),
            "firing": sum(1 for _, _, s in self.states if s.state == "firing"),
            "notifications": len(self.outbox),
            "errors": self.errors,
        }


def plan_evaluation(ctx: AlertContext, now: datetime) -> Plan:
    """Seed new projects (a small write of its own), then read everything the tick needs."""
    seeded = seed_projects(ctx.store, unseeded_projects(ctx.store), ctx.default_specs, now)
    plan = plan_rules(ctx, enabled_rules(ctx.store), load_states(ctx.store), now)
    plan.seeded = seeded
    return plan


def plan_rules(
    ctx: AlertContext, rules: list[Rule], states: dict[tuple[str, str], AlertState],
    now: datetime,
) -> Plan:  # fmt: skip
    """One tick over `rules` from `states` (read only): what it would write."""
    plan = Plan(now, rules=len(rules))
    # read collector-wide values at most once per tick, however many projects ask
    probe = Probe(
        functools.cache(ctx.probe.queue_depth), functools.cache(ctx.probe.health_failures)
    )
    for rule in rules:
        try:
            _evaluate_rule(ctx, probe, rule, states, now, plan)
        except Exception as exc:  # one broken rule must not stop the others
            log.exception("alert rule %s failed to evaluate", rule.rule_id)
            plan.errors.append(f"{rule.rule_id}: {type(exc).__name__}: {exc}")
    return plan


def run_evaluation(ctx: AlertContext, now: datetime) -> dict[str, object]:
    plan = plan_evaluation(ctx, now)
    ctx.store.write(plan.apply).result()
    if plan.outbox:
        ctx.on_enqueued()
    return plan.summary()


def _evaluate_rule(
    ctx: AlertContext, probe: Probe, rule: Rule,
    states: dict[tuple[str, str], AlertState], now: datetime, plan: Plan,
) -> None:  # fmt: skip
    readings = {m.key: m for m in ctx.measure(ctx.store, rule, now, probe)}
    # scopes seen before but absent now (a group went quiet) are read as "no data"
    known = {key for rule_id, key in states if rule_id == rule.rule_id}
    for key in sorted(readings.keys() | known):
        prev = states.get((rule.rule_id, key), AlertState())
        reading = readings.get(key) or Measurement(_scope_of(key), None, 0)
        nxt, action = step(prev, rule, reading.value, now)
        if action == "fire":
            nxt = replace(nxt, event_id=new_id("alert"))
        if nxt != prev or (rule.rule_id, key) in states:
            plan.states.append((rule, key, nxt))
        if action:
            _transition(ctx, rule, reading, nxt, action, now, plan)


def _scope_of(key: str) -> dict[str, str]:
    return dict(json.loads(key))


def _transition(
    ctx: AlertContext, rule: Rule, reading: Measurement, s: AlertState, action: str,
    now: datetime, plan: Plan,
) -> None:  # fmt: skip
    examples = [] if action == "resolve" else example_traces(ctx.store, rule, reading.scope, now)
    note = notification(_NOTIFY_KIND[action], rule, reading.scope, s, examples, now)
    items = [] if ctx.replay else outbox_items(note, rule, ctx.console_url, now)
    plan.outbox += items
    plan.events.append(EventChange(action, rule, reading.scope, reading.key, s, examples,
                                   len(items), now, ctx.replay))  # fmt: skip
