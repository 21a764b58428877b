"""Replay a week of agent traffic through the real `instrument.patch()` into a collector.

The plan is deterministic for a seed: baseline traffic follows the daily and weekly rhythm of
`scenarios.py`, and each incident adds its own burst of tasks. Every task runs through the
real SDK on the mock API; a simulated clock places it at its time in the last seven days.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import instrument
from instrument.clock import use_clock
from sample_data.agents import AGENTS, run_task
from sample_data.kit import Kit, Run
from sample_data.scenarios import (
    HOURLY_WEIGHT,
    INCIDENTS,
    PEAK_RATE,
    SERVICES,
    USERS,
    WEEKEND_FACTOR,
    Incident,
)
from sample_data.sim import SimClock

# Extra tasks an incident brings (a campaign during the storm, a retrying job with an expired
# key, a team pasting contracts): enough volume for the jobs and alert rules to see it.
BURST = {
    "storm": ("support", 30),
    "auth_401": ("coding", 12),
    "cost_spike": ("research", 10),
    "loop": ("support", 1),
    "injection": ("research", 3),
}


# Replaying faster than any agent runs would let redaction fall behind, and the worker then
# drops content by design (never block, never ship raw); the sample week should be whole.
DRAIN_EVERY = 8


def _day_start(now: datetime, day: int) -> datetime:
    return (now + timedelta(days=day)).replace(hour=0, minute=0, second=0, microsecond=0)


def _window(now: datetime, incident: Incident) -> tuple[datetime, datetime]:
    start = _day_start(now, incident.day) + timedelta(hours=incident.hour)
    return start, start + timedelta(minutes=incident.minutes)


def _active(now: datetime, at: datetime, agent: str) -> frozenset[str]:
    kinds = set()
    for incident in INCIDENTS:
        start, end = _window(now, incident)
        burst_agent = BURST.get(incident.kind, (None, 0))[0]
        if start <= at < end and (burst_agent in (None, agent) or incident.kind == "pii"):
            kinds.add(incident.kind)
    return frozenset(kinds)


def _baseline_times(now: datetime, agent: str, rng: random.Random) -> Iterator[datetime]:
    first = _day_start(now, -7)
    for hour in range(7 * 24):
        at = first + timedelta(hours=hour)
        rate = PEAK_RATE[agent] * HOURLY_WEIGHT[at.hour]
        rate *= WEEKEND_FACTOR if at.weekday() >= 5 else 1.0
        count = int(rate) + (rng.random() < rate - int(rate))
        for _ in range(count):
            yield at + timedelta(seconds=rng.uniform(0, 3600))


def _burst_times(now: datetime, agent: str, rng: random.Random) -> Iterator[datetime]:
    for incident in INCIDENTS:
        burst_agent, count = BURST.get(incident.kind, (None, 0))
        if burst_agent != agent:
            continue
        start, end = _window(now, incident)
        for _ in range(count):
            yield start + (end - start) * rng.random()


def build_plan(now: datetime, seed: int = 7) -> dict[str, list[Run]]:
    """Tasks per agent in time order, all before `now`."""
    plan: dict[str, list[Run]] = {}
    for agent in AGENTS:
        rng = random.Random(f"{seed}-{agent}")
        times = sorted(
            t
            for t in [*_baseline_times(now, agent, rng), *_burst_times(now, agent, rng)]
            if t < now - timedelta(minutes=5)
        )
        plan[agent] = [_run(now, agent, at, i, rng) for i, at in enumerate(times)]
    return plan


def _run(now: datetime, agent: str, at: datetime, i: int, rng: random.Random) -> Run:
    user = rng.choice(USERS)
    return Run(
        agent=agent,
        start_ns=int(at.timestamp() * 1e9),
        user=user,
        session_id=f"sess-{user.user_id}-{at:%m%d}-{agent}",
        task_id=f"task-{agent}-{i:05d}",
        incidents=_active(now, at, agent),
        rng=random.Random(rng.getrandbits(64)),
    )


def load_sample(endpoint: str, api_key: str, *, now: datetime | None = None, seed: int = 7) -> int:
    """Replay the week into the collector at `endpoint`; returns the number of tasks run."""
    now = now or datetime.now(UTC)
    plan = build_plan(now, seed)
    clock = SimClock(plan["support"][0].start_ns)
    with use_clock(clock):
        for agent, runs in plan.items():
            instrument.patch(endpoint=endpoint, api_key=api_key, service_name=SERVICES[agent])
            try:
                kit = Kit.create(agent, clock, AGENTS[agent][1])
                for i, run in enumerate(runs, start=1):
                    clock.set(run.start_ns)
                    run_task(kit, run)
                    if i % DRAIN_EVERY == 0:
                        instrument.flush(timeout=120)
                instrument.flush(timeout=120)
            finally:
                instrument.unpatch()
    return sum(len(runs) for runs in plan.values())
