"""The sample week: its plan holds every incident, and after replaying it through the real
pipeline the jobs find each one."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from sample_data.generate import build_plan, load_sample
from sample_data.scenarios import INCIDENTS
from tests.conftest import Collector, _start

NOW = datetime(2026, 11, 18, 16, 30, tzinfo=UTC)


def test_plan_has_every_incident_within_the_last_seven_days() -> None:
    plan = build_plan(NOW)
    runs = [r for runs in plan.values() for r in runs]
    seen = Counter(kind for r in runs for kind in r.incidents)
    assert set(seen) == {i.kind for i in INCIDENTS}
    assert seen["storm"] >= 30 and seen["auth_401"] >= 12 and seen["cost_spike"] >= 10
    starts = [datetime.fromtimestamp(r.start_ns / 1e9, UTC) for r in runs]
    assert NOW - timedelta(days=8) < min(starts) and max(starts) < NOW


def test_plan_is_deterministic_for_a_seed() -> None:
    first, again = build_plan(NOW, seed=3), build_plan(NOW, seed=3)
    assert [(r.start_ns, r.user, r.incidents) for r in first["support"]] == [
        (r.start_ns, r.user, r.incidents) for r in again["support"]
    ]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Collector, dict]]:
    for collector in _start(tmp_path_factory):
        key = collector.new_key("default", "ingest")
        count = load_sample(collector.url, key)
        runs = collector.admin.post("/api/jobs/run", timeout=300).json()
        yield collector, {"count": count, "runs": runs}


def _findings(collector: Collector) -> Counter:
    body = collector.admin.get("/api/findings", params={"limit": 1000}).json()
    return Counter(f["kind"] for f in body["findings"])


def test_jobs_find_each_incident_of_the_replayed_week(loaded: tuple[Collector, dict]) -> None:
    collector, info = loaded
    assert info["count"] == sum(len(r) for r in build_plan(datetime.now(UTC)).values())
    assert all(run["status"] == "ok" for run in info["runs"]["runs"])
    kinds = _findings(collector)
    for kind in ("tool_loop", "iteration_limit", "prompt_injection", "cost_anomaly"):
        assert kinds[kind] >= 1, kinds


def test_storm_401s_and_pii_are_visible_in_the_spans(loaded: tuple[Collector, dict]) -> None:
    collector, _ = loaded
    since = (datetime.now(UTC) - timedelta(days=8)).isoformat()
    errors = collector.admin.get(
        "/api/metrics/timeseries", params={"since": since, "bucket": "day", "by": "error_class"}
    ).json()["points"]
    classes = {p["error_class"] for p in errors if p["errors"]}
    assert {"transient", "permanent"} <= classes
    failed = collector.admin.get(
        "/api/traces", params={"since": since, "error_class": "permanent", "limit": 50}
    ).json()["traces"]
    assert len(failed) >= 12  # the expired-key burst
    spike = collector.admin.get(
        "/api/traces", params={"since": since, "sort": "cost", "limit": 1}
    ).json()["traces"][0]
    assert spike["cost_usd"] > 1.0 and "claude-opus-4-1" in spike["models"]


def test_a_failed_call_leaves_nothing_scripted_for_the_next_task() -> None:
    from sample_data.kit import Kit
    from sample_data.mock import ApiError
    from sample_data.sim import SimClock

    kit = Kit.create("coding", SimClock(0), tools=[])
    rng = random.Random(1)
    kit.start("first task")
    with pytest.raises(Exception, match="invalid x-api-key"):
        kit.answer(rng, "never delivered", errors=(ApiError(401, "invalid x-api-key"),))
    kit.start("second task")
    kit.answer(rng, "fresh reply")
    assert kit.messages[-1]["content"][0]["text"] == "fresh reply"
