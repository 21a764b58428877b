"""Alert history for past traffic: run the evaluator at each step time of a past range.

Live evaluation only ever looks at `now`, so traffic loaded or back-filled with past
timestamps never becomes alert events. `replay_alerts` steps the same state machine
(`plan_rules`, `step`) through [since, until] for ONE project's rules; each rule's readings
for all steps come from one query (`replay_measure`). What it finds is history only: events
are marked `replayed` and nothing is queued for any channel.

How it meets live evaluation:
- It holds the "alerts" job's lock, so the scheduler's tick cannot interleave with it.
- It starts from the stored state of a (rule, scope) if that was last evaluated at or before
  `since`, else from "ok"; the state after the last step is stored, so the next live tick
  continues from it (an alert still firing at the end does not fire again).
- An episode the live evaluator has open (pending or firing, evaluated after `since`) wins:
  it is kept, and an open replayed episode of the same (rule, scope) is dropped.
- Replaying again replaces the earlier replayed events fired within [since, until].
- Collector-wide metrics (queue depth, health) have no history and are not replayed.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from analytics.alerts.defaults import seed_projects
from analytics.alerts.evaluate import AlertContext, plan_rules
from analytics.alerts.model import PROCESS_METRICS, Rule
from analytics.alerts.persist import (
    EventChange,
    load_states,
    save_state,
    worth_keeping,
    write_event,
)
from analytics.alerts.replay_measure import measure_steps
from analytics.alerts.rules import enabled_rules
from analytics.alerts.service import _EVAL_LOCK, context_for
from analytics.alerts.state import AlertState
from collector.errors import BadRequestError
from collector.store import Store

log = logging.getLogger(__name__)
MIN_STEP_S = 60
MAX_STEPS = 50_000  # a week at 15 s; bounds memory and time of one request
Key = tuple[str, str]  # (rule_id, scope_key)


def step_times(since: datetime, until: datetime, step_s: int) -> list[datetime]:
    """since, since + step, ... up to and including until (all in UTC)."""
    if step_s < MIN_STEP_S:
        raise BadRequestError(f"step_s must be at least {MIN_STEP_S}")
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    if since >= until:
        raise BadRequestError("since must be before until")
    count = int((until - since).total_seconds() // step_s) + 1
    if count > MAX_STEPS:
        raise BadRequestError(f"{count} steps: at most {MAX_STEPS}; use a larger step_s")
    return [since + timedelta(seconds=i * step_s) for i in range(count)]


@dataclass
class _Stored:
    state: AlertState
    evaluated_at: datetime


@dataclass
class Replay:
    """One replay's result, before and after it is written."""

    rules: dict[str, Rule]
    steps: list[datetime]
    stored: dict[Key, _Stored]
    wiped: set[str]  # earlier replayed events in range, replaced by this run
    states: dict[Key, AlertState] = field(default_factory=dict)
    events: list[EventChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def live_episode(self, key: Key) -> bool:
        found = self.stored.get(key)
        return (found is not None and found.evaluated_at > self.steps[0]
                and found.state.state in ("pending", "firing")
                and found.state.event_id not in self.wiped)  # fmt: skip


def _stored_states(store: Store, project: str, rule_ids: set[str]) -> dict[Key, _Stored]:
    states = load_states(store)
    rows = store.query(
        "SELECT rule_id, scope_key, evaluated_at FROM alert_state WHERE project = ?", [project]
    )
    return {(r["rule_id"], r["scope_key"]): _Stored(states[(r["rule_id"], r["scope_key"])],
                                                    r["evaluated_at"])
            for r in rows if r["rule_id"] in rule_ids}  # fmt: skip


def _wiped_events(store: Store, project: str, steps: list[datetime]) -> set[str]:
    rows = store.query(
        "SELECT event_id FROM alert_events WHERE project = ? AND replayed "
        "AND fired_at >= ? AND fired_at <= ?",
        [project, steps[0], steps[-1]],
    )
    return {r["event_id"] for r in rows}


def prepare(store: Store, project: str, steps: list[datetime]) -> Replay:
    rules = [r for r in enabled_rules(store)
             if r.project == project and r.metric not in PROCESS_METRICS]  # fmt: skip
    ids = {r.rule_id for r in rules}
    run = Replay({r.rule_id: r for r in rules}, steps, _stored_states(store, project, ids),
                 _wiped_events(store, project, steps))  # fmt: skip
    for key, found in run.stored.items():
        # a state evaluated after `since` describes a later time: start that scope from "ok"
        if found.evaluated_at <= steps[0] and found.state.event_id not in run.wiped:
            run.states[key] = found.state
    return run


def evaluate_steps(ctx: AlertContext, run: Replay) -> None:
    """Every step in order, states kept in memory (as the store would keep them)."""
    readings = {rid: measure_steps(ctx.store, rule, run.steps) for rid, rule in run.rules.items()}
    ctx = replace(ctx, replay=True, measure=lambda _s, rule, now, _p: readings[rule.rule_id][now])
    rules = list(run.rules.values())
    for t in run.steps:
        plan = plan_rules(ctx, rules, run.states, t)
        run.events += plan.events
        run.errors += [e for e in plan.errors if e not in run.errors]
        for rule, key, s in plan.states:
            if worth_keeping(s, t):
                run.states[(rule.rule_id, key)] = s
            else:
                run.states.pop((rule.rule_id, key), None)


def apply(run: Replay, con: duckdb.DuckDBPyConnection) -> None:
    """History and final states in ONE transaction (on the writer)."""
    for event_id in run.wiped:
        con.execute("DELETE FROM alert_events WHERE event_id = ?", [event_id])
    for change in run.events:
        write_event(con, change)
    fired_here = {c.state.event_id for c in run.events if c.action == "fire"}
    last = run.steps[-1]
    for key in sorted(run.states.keys() | run.stored.keys()):
        final = run.states.get(key)
        if run.live_episode(key):
            if final and final.state == "firing" and final.event_id in fired_here:
                con.execute("DELETE FROM alert_events WHERE event_id = ?", [final.event_id])
                run.dropped.append(str(final.event_id))
        elif final is not None:
            save_state(con, run.rules[key[0]], key[1], final, last)
        else:
            con.execute("DELETE FROM alert_state WHERE rule_id = ? AND scope_key = ?", list(key))


def summary(run: Replay, project: str, step_s: int) -> dict[str, Any]:
    actions = [c.action for c in run.events]
    episodes = [_episode(c, run) for c in run.events if c.action == "fire"]
    return {
        "project": project,
        "since": run.steps[0].isoformat(),
        "until": run.steps[-1].isoformat(),
        "step_s": step_s,
        "steps": len(run.steps),
        "rules": len(run.rules),
        "fired": actions.count("fire") - len(run.dropped),
        "resolved": actions.count("resolve"),
        "renotified": actions.count("renotify"),
        "dropped_for_live": len(run.dropped),
        "replaced": len(run.wiped),
        "firing_at_end": sum(
            1 for k, s in run.states.items() if s.state == "firing" and not run.live_episode(k)
        ),
        "episodes": [e for e in episodes if e["event_id"] not in run.dropped],
        "errors": run.errors,
    }


def _episode(fire: EventChange, run: Replay) -> dict[str, Any]:
    event_id = fire.state.event_id
    resolved = next((c.now for c in run.events
                     if c.action == "resolve" and c.state.event_id == event_id), None)  # fmt: skip
    return {
        "event_id": event_id,
        "rule_id": fire.rule.rule_id,
        "rule_name": fire.rule.name,
        "scope": fire.scope,
        "fired_at": fire.now.isoformat(),
        "resolved_at": resolved.isoformat() if resolved else None,
    }


def _scheduler_runner(runtime: Any) -> Any:
    from analytics.scheduler import JobScheduler

    for service in getattr(runtime, "services", []):
        if isinstance(service, JobScheduler):
            return service.runner
    return None


def run_jobs_first(runtime: Any) -> list[dict[str, Any]]:
    """The detector jobs' findings feed the finding rules: bring them up to date first."""
    from analytics.jobs import default_jobs
    from analytics.scheduler import JobRunner

    runner = _scheduler_runner(runtime) or JobRunner(
        runtime.store, runtime.settings, runtime.metrics, default_jobs()
    )
    runs = [runner.run(name, "replay") for name in runner.specs if name != "alerts"]
    return [{"job": r["job"], "status": r["status"], "error": r["error"]} for r in runs]


@contextlib.contextmanager
def _alerts_exclusive(runtime: Any) -> Iterator[None]:
    runner = _scheduler_runner(runtime)
    job_lock = runner.lock("alerts") if runner and "alerts" in runner.specs else None
    with job_lock or contextlib.nullcontext(), _EVAL_LOCK:
        yield


def replay_alerts(
    runtime: Any, project: str, since: datetime, until: datetime | None = None,
    step_s: int = 300,
) -> dict[str, Any]:  # fmt: skip
    """Replay `project`'s alert rules over [since, until] (default now) every `step_s`."""
    now = datetime.now(UTC)
    until = until or now
    if until > now + timedelta(seconds=1):
        raise BadRequestError("until must not be in the future")
    steps = step_times(since, until, step_s)
    started = time.perf_counter()
    jobs = run_jobs_first(runtime)
    ctx = context_for(runtime.store, runtime.settings)
    with _alerts_exclusive(runtime):
        seed_projects(runtime.store, [project], ctx.default_specs, now)
        run = prepare(runtime.store, project, steps)
        evaluate_steps(ctx, run)
        runtime.store.write(lambda con: apply(run, con)).result()
    out = summary(run, project, step_s)
    out.update(jobs=jobs, duration_ms=round((time.perf_counter() - started) * 1000, 1))
    log.info("alert replay of %s: %d steps, %d fired, %d resolved in %.0f ms", project,
             out["steps"], out["fired"], out["resolved"], out["duration_ms"])  # fmt: skip
    return out
