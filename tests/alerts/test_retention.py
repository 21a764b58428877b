"""Retention of the alert history and the delivery records, on a real store seeded with rows
on both sides of the cutoff; the job runs through the job runner with a fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from analytics.alerts import retention
from analytics.alerts.evaluate import run_evaluation
from analytics.alerts.retention import JOB, delete, pick
from analytics.jobs import default_jobs
from analytics.notify.outbox import Attempt, OutboxItem, enqueue, log_delivery, record_attempt
from analytics.notify.transport import RecordingSender, SendResult
from analytics.notify.worker import DeliveryPolicy, DeliveryWorker
from analytics.scheduler import JobRunner
from collector.metrics import CollectorMetrics
from collector.settings import Settings
from collector.store import DuckDBStore
from tests.alerts.conftest import NOW, PROJECT
from tests.alerts.test_evaluate import HOOK, add_rule, at, storm

CUTOFF = NOW - timedelta(days=90)
OLD = CUTOFF - timedelta(days=1)
NEW = CUTOFF + timedelta(days=1)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


def add_event(
    store: DuckDBStore, event_id: str, fired: datetime, resolved: datetime | None
) -> None:
    state = "resolved" if resolved else "firing"
    store.write(lambda con: con.execute(
        "INSERT INTO alert_events VALUES (?, ?, 'rule_x', 'Checkout failing', 'success_rate', "
        "'critical', '{}', '', ?, 'lt', 0.9, 900, 0.5, 0.5, ?, ?, ?, '[]', 1, false, false)",
        [event_id, PROJECT, state, fired, fired, resolved],
    )).result()  # fmt: skip


def add_state(store: DuckDBStore, rule_id: str, state: str, event_id: str) -> None:
    store.write(lambda con: con.execute(
        "INSERT INTO alert_state VALUES (?, '', ?, ?, ?, ?, NULL, ?, 0.5, ?, ?, '[]')",
        [rule_id, PROJECT, state, OLD, OLD, event_id, NOW, OLD],
    )).result()  # fmt: skip


def add_outbox(store: DuckDBStore, outbox_id: str, created: datetime, *tries: tuple) -> None:
    """An outbox item and its attempts, each (when, HTTP status, outbox status after it)."""
    item = OutboxItem(outbox_id, PROJECT, None, "rule_x", "firing", "slack", HOOK, None, "{}",
                      created)  # fmt: skip
    store.write(lambda con: enqueue(con, [item])).result()
    for n, (when, code, status) in enumerate(tries):
        item.attempts = n
        retry_at = when + MINUTE if status == "pending" else None
        attempt = Attempt(item, SendResult(code, 5.0), when, status, retry_at)
        store.write(lambda con, a=attempt: record_attempt(con, a)).result()


def add_test_delivery(store: DuckDBStore, test_id: str, when: datetime) -> None:
    """A rule's test notification: logged, never in the outbox."""
    item = OutboxItem(test_id, PROJECT, None, "rule_x", "test", "slack", HOOK, None, "{}", when)
    attempt = Attempt(item, SendResult(200, 5.0), when, "delivered", None)
    store.write(lambda con: log_delivery(con, attempt)).result()


def seed(store: DuckDBStore) -> None:
    add_event(store, "ev_resolved_old", OLD - MINUTE, OLD)  # goes
    add_event(store, "ev_resolved_new", OLD, NEW)  # stays: resolved after the cutoff
    add_event(store, "ev_firing_current", OLD, None)  # stays: a rule's current episode
    add_event(store, "ev_firing_orphan", OLD - DAY, None)  # goes: its rule was deleted
    add_event(store, "ev_resolved_old_state", OLD, OLD + MINUTE)  # goes: its state is resolved
    add_event(store, "ev_firing_new", NEW, None)  # stays
    add_state(store, "rule_a", "firing", "ev_firing_current")
    add_state(store, "rule_b", "resolved", "ev_resolved_old_state")
    add_outbox(store, "ntf_delivered_old", OLD, (OLD, 200, "delivered"))
    add_outbox(store, "ntf_failed_old", OLD, (OLD, 500, "pending"), (OLD + MINUTE, 404, "failed"))
    add_outbox(store, "ntf_pending_old", OLD, (OLD, 503, "pending"))
    add_outbox(store, "ntf_delivered_late", OLD, (OLD, 500, "pending"), (NEW, 200, "delivered"))
    add_outbox(store, "ntf_failed_new", NEW, (NEW, 404, "failed"))
    add_test_delivery(store, "test_old", OLD)
    add_test_delivery(store, "test_new", NEW)


def remaining(store: DuckDBStore) -> dict[str, list]:
    def column(sql: str) -> list:
        return [tuple(r.values()) if len(r) > 1 else next(iter(r.values()))
                for r in store.query(sql)]  # fmt: skip

    return {
        "events": column("SELECT event_id FROM alert_events ORDER BY 1"),
        "outbox": column("SELECT outbox_id, status FROM notify_outbox ORDER BY 1"),
        "deliveries": column("SELECT outbox_id, attempt FROM notify_deliveries ORDER BY 1, 2"),
        "state": column("SELECT rule_id, state, event_id FROM alert_state ORDER BY 1"),
    }


SEEDED_STATE = [("rule_a", "firing", "ev_firing_current"),
                ("rule_b", "resolved", "ev_resolved_old_state")]  # fmt: skip


def runner(store: DuckDBStore, tmp_path: Path, days: int = 90, now: datetime = NOW) -> JobRunner:
    settings = Settings(db_path=tmp_path / "unused.duckdb", alert_history_days=days)
    return JobRunner(store, settings, CollectorMetrics(), [JOB], clock=lambda: now)


def test_retention_job_deletes_only_rows_past_the_cutoff(store, tmp_path: Path) -> None:
    seed(store)
    run = runner(store, tmp_path).run("alert_retention", trigger="test")
    assert (run["status"], run["error"]) == ("ok", None)
    assert (run["rows_read"], run["rows_pruned"]) == (10, 10)
    assert remaining(store) == {
        "events": ["ev_firing_current", "ev_firing_new", "ev_resolved_new"],
        "outbox": [("ntf_delivered_late", "delivered"), ("ntf_failed_new", "failed"),
                   ("ntf_pending_old", "pending")],
        "deliveries": [("ntf_delivered_late", 2), ("ntf_failed_new", 1), ("ntf_pending_old", 1),
                       ("test_new", 1)],
        "state": SEEDED_STATE,
    }  # fmt: skip
    (recorded,) = store.query("SELECT job, status, rows_read, rows_pruned FROM job_runs")
    assert recorded == {"job": "alert_retention", "status": "ok", "rows_read": 10,
                        "rows_pruned": 10}  # fmt: skip


def test_retention_run_prunes_fewer_rows_than_it_read_when_one_stops_being_due(
    store, tmp_path: Path
) -> None:
    seed(store)
    metrics = CollectorMetrics()
    jobs = JobRunner(store, Settings(db_path=tmp_path / "unused.duckdb"), metrics, [JOB],
                     clock=lambda: NOW)  # fmt: skip
    real_pick = retention.pick

    def fire(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("UPDATE alert_state SET state = 'firing' WHERE rule_id = 'rule_b'")

    def pick_then_fire(con: duckdb.DuckDBPyConnection, cutoff: datetime, limit: int) -> dict:
        picked = real_pick(con, cutoff, limit)
        store.write(fire).result()  # between the pick (reader) and the delete (writer)
        return picked

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(retention, "pick", pick_then_fire)
        run = jobs.run("alert_retention", trigger="test")
    assert (run["status"], run["rows_read"], run["rows_pruned"]) == ("ok", 10, 9)
    text = metrics.render().decode()
    assert 'tracevault_job_rows_read_total{job="alert_retention"} 10.0' in text
    assert 'tracevault_job_rows_pruned_total{job="alert_retention"} 9.0' in text


def test_retention_job_deletes_nothing_on_a_second_run(store, tmp_path: Path) -> None:
    seed(store)
    jobs = runner(store, tmp_path)
    jobs.run("alert_retention", trigger="test")
    before = remaining(store)
    assert jobs.run("alert_retention", trigger="test")["rows_read"] == 0
    assert remaining(store) == before


def test_retention_job_keeps_everything_when_days_is_zero(store, tmp_path: Path) -> None:
    seed(store)
    before = remaining(store)
    run = runner(store, tmp_path, days=0).run("alert_retention", trigger="test")
    assert (run["status"], run["rows_read"]) == ("ok", 0)
    assert remaining(store) == before
    assert len(before["events"]) == 6 and len(before["deliveries"]) == 9


def test_delete_spares_a_picked_row_that_is_no_longer_due(store) -> None:
    seed(store)
    picked = store.read(lambda con: pick(con, CUTOFF))
    assert picked["alert_events"] == ["ev_firing_orphan", "ev_resolved_old",
                                      "ev_resolved_old_state"]  # fmt: skip
    # between the pick and the delete, a firing state came to point at one of them
    store.write(lambda con: con.execute(
        "UPDATE alert_state SET state = 'firing' WHERE rule_id = 'rule_b'")).result()  # fmt: skip
    deleted = store.write(lambda con: delete(con, picked, CUTOFF)).result()
    assert deleted == {"alert_events": 2, "notify_outbox": 2, "notify_deliveries": 5}
    assert "ev_resolved_old_state" in remaining(store)["events"]


def test_pick_takes_the_oldest_rows_first_up_to_the_limit(store) -> None:
    seed(store)
    picked = store.read(lambda con: pick(con, CUTOFF, limit=2))
    assert picked["alert_events"] == ["ev_firing_orphan", "ev_resolved_old"]
    assert picked["notify_outbox"] == ["ntf_delivered_old", "ntf_failed_old"]
    assert len(picked["notify_deliveries"]) == 2


def test_retention_job_works_through_a_backlog_run_by_run(
    store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "MAX_ROWS_PER_TABLE", 2)
    seed(store)
    jobs = runner(store, tmp_path)
    runs = [jobs.run("alert_retention", trigger="test") for _ in range(4)]
    assert [r["rows_read"] for r in runs] == [6, 3, 1, 0]  # events 2+1, outbox 2, deliveries 2+2+1
    assert [r["rows_pruned"] for r in runs] == [6, 3, 1, 0]
    assert remaining(store)["events"] == ["ev_firing_current", "ev_firing_new", "ev_resolved_new"]
    assert len(remaining(store)["deliveries"]) == 4


def test_alert_retention_runs_every_five_minutes_after_the_alerts_job() -> None:
    assert [spec.name for spec in default_jobs()][-2:] == ["alerts", "alert_retention"]
    assert JOB.default_interval_s(Settings()) == 300.0
    assert Settings().alert_history_days == 90


def test_evaluated_episode_goes_once_resolved_and_delivered_before_the_cutoff(
    store, ingest, ctx, tmp_path: Path
) -> None:
    add_rule(store, channels=[{"type": "slack", "url": HOOK}])
    storm(ingest, 0)
    run_evaluation(ctx, NOW)  # fires
    storm(ingest, 30, n=100, status="ok")
    run_evaluation(ctx, at(30))  # resolves
    worker = DeliveryWorker(store, DeliveryPolicy(("hooks.slack.com",)), RecordingSender(),
                            clock=lambda: at(40))  # fmt: skip
    assert [a.status for a in worker.run_once()] == ["delivered", "delivered"]
    day90 = timedelta(days=90)

    early = runner(store, tmp_path, now=at(30) + day90).run("alert_retention", trigger="test")
    late = runner(store, tmp_path, now=at(41) + day90).run("alert_retention", trigger="test")

    assert (early["rows_read"], late["rows_read"]) == (0, 5)  # 1 event, 2 outbox, 2 deliveries
    assert (early["rows_pruned"], late["rows_pruned"]) == (0, 5)
    left = remaining(store)
    assert (left["events"], left["outbox"], left["deliveries"]) == ([], [], [])
    assert [row[1] for row in left["state"]] == ["resolved"]  # the rule's state is untouched
