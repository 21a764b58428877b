"""Evaluation ticks over a real store with a fixed clock: seeding, firing, history, outbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from analytics.alerts.evaluate import AlertContext, run_evaluation
from analytics.alerts.model import RuleSpec
from analytics.alerts.persist import EventFilter, list_events
from analytics.alerts.rules import create_rule, delete_rule, list_rules
from analytics.alerts.service import JOB, NotifyService, delivery_policy, evaluate_alerts
from analytics.notify.transport import RecordingSender
from analytics.notify.worker import DeliveryWorker
from analytics.scheduler import JobRunner
from collector.metrics import CollectorMetrics
from collector.runtime import build_runtime
from collector.settings import Settings
from collector.store import IngestBatch, records_to_table
from tests.alerts.conftest import CONSOLE, NOW, PROJECT, span

HOOK = "https://hooks.slack.com/services/T0/B0/secret"
ALLOWED = ("hooks.slack.com", "example.com")


def at(seconds: float):
    return NOW + timedelta(seconds=seconds)


def add_rule(store, **kw: object) -> str:
    channels = [{"type": "slack", "url": HOOK},
                {"type": "webhook", "url": "https://example.com/in", "secret": "k"}]  # fmt: skip
    spec = {"name": "checkout failing", "metric": "success_rate", "comparison": "lt",
            "threshold": 0.9, "scope": {"service": "support-agent"}, "renotify_s": 600,
            "channels": channels}  # fmt: skip
    return create_rule(store, PROJECT, RuleSpec(**(spec | kw)), ALLOWED).rule_id


def outbox(store, rule_id: str) -> list[dict]:
    return store.query(
        "SELECT kind, channel_type, url, secret, status, event_id, body FROM notify_outbox "
        "WHERE rule_id = ? ORDER BY created_at, channel_type",
        [rule_id],
    )


def storm(ingest, seconds: float, n: int = 5, status: str = "error") -> None:
    ingest([span(at(seconds - 1), status=status) for _ in range(n)])


def test_evaluation_seeds_default_rules_once_per_project(store, ingest, ctx) -> None:
    ingest([span(at(-60))])
    assert run_evaluation(ctx, NOW)["projects_seeded"] == 1
    names = [r.name for r in list_rules(store, PROJECT)]
    assert names == [
        "Success rate below 90%", "Hourly cost above 3× the trailing daily average",
        "Collector health failing", "Ingest queue backing up",
        "P95 model latency above 5 minutes", "Model API answered 401/403",
        "Prompt injection finding (score ≥ 0.8)",
    ]  # fmt: skip
    delete_rule(store, PROJECT, list_rules(store, PROJECT)[0].rule_id)
    assert run_evaluation(ctx, at(30))["projects_seeded"] == 0
    assert len(list_rules(store, PROJECT)) == 6  # a deleted default stays deleted


def test_evaluation_seeds_project_of_a_new_key(store, ctx) -> None:
    store.write(lambda con: con.execute(
        "INSERT INTO api_keys VALUES ('k1', 'fresh', 'read', NULL, 'h', 'p', now(), NULL)"
    )).result()  # fmt: skip
    run_evaluation(ctx, NOW)
    assert len(list_rules(store, "fresh")) == 7


def test_storm_fires_once_with_one_notification_per_channel(store, ingest, ctx) -> None:
    rule_id = add_rule(store)
    storm(ingest, 0)
    first = run_evaluation(ctx, NOW)
    second = run_evaluation(ctx, at(30))
    assert (first["fired"], first["notifications"]) == (1, 2)  # 5 spans: below default min_count
    assert (second["fired"], second["notifications"]) == (0, 0)
    rows = outbox(store, rule_id)
    assert [(r["kind"], r["channel_type"], r["url"], r["secret"], r["status"]) for r in rows] == [
        ("firing", "slack", HOOK, None, "pending"),
        ("firing", "webhook", "https://example.com/in", "k", "pending"),
    ]
    webhook = json.loads(rows[1]["body"])
    assert (webhook["kind"], webhook["value"], webhook["scope"]) == (
        "firing", 0.0, {"service": "support-agent"})  # fmt: skip
    ids = store.query("SELECT outbox_id FROM notify_outbox WHERE channel_type = 'webhook'")
    assert webhook["delivery_id"] == ids[0]["outbox_id"]


def test_recovery_resolves_with_one_notification_per_channel(store, ingest, ctx) -> None:
    rule_id = add_rule(store)
    storm(ingest, 0)
    run_evaluation(ctx, NOW)
    storm(ingest, 30, n=100, status="ok")
    summary = run_evaluation(ctx, at(30))
    run_evaluation(ctx, at(60))
    kinds = [(r["kind"], r["channel_type"]) for r in outbox(store, rule_id)]
    assert kinds == [("firing", "slack"), ("firing", "webhook"),
                     ("resolved", "slack"), ("resolved", "webhook")]  # fmt: skip
    assert summary["resolved"] == 1
    (event,) = list_events(store, PROJECT, EventFilter(rule_id=rule_id))
    assert (event["state"], event["fired_at"], event["resolved_at"]) == ("resolved", NOW, at(30))
    assert (event["value"], event["last_value"], event["notifications"]) == (0.0, 100 / 105, 4)
    assert event["scope"] == {"service": "support-agent"} and len(event["examples"]) == 3


def test_firing_alert_renotifies_after_interval(store, ingest, ctx) -> None:
    rule_id = add_rule(store, channels=[{"type": "slack", "url": HOOK}])
    storm(ingest, 0)
    for seconds in (0, 300, 600, 660):
        run_evaluation(ctx, at(seconds))
    assert [r["kind"] for r in outbox(store, rule_id)] == ["firing", "renotify"]
    events = list_events(store, PROJECT, EventFilter(rule_id=rule_id))
    assert [(e["state"], e["notifications"]) for e in events] == [("firing", 2)]


def test_group_going_quiet_resolves_as_no_data(store, ingest, ctx) -> None:
    rule_id = add_rule(store, scope={}, group_by="agent", channels=[])
    ingest([span(at(-1), status="error", agent_name="triage")])
    assert run_evaluation(ctx, NOW)["fired"] == 1
    later = NOW + timedelta(minutes=16)  # the failing span left the 15-minute window
    run_evaluation(ctx, later)
    events = list_events(store, PROJECT, EventFilter(rule_id=rule_id))
    assert [(e["scope"], e["state"]) for e in events] == [({"agent": "triage"}, "resolved")]


def test_broken_probe_fails_one_rule_not_the_tick(store, ingest, ctx: AlertContext) -> None:
    def broken() -> int:
        raise RuntimeError("probe down")

    ctx.probe = type(ctx.probe)(ctx.probe.queue_depth, broken)
    storm(ingest, 0, n=12)
    summary = run_evaluation(ctx, NOW)
    assert summary["fired"] == 1  # the default success-rate rule still fired
    (error,) = summary["errors"]
    assert error.endswith("RuntimeError: probe down")


def test_enqueue_callback_runs_only_when_something_was_queued(store, ingest, ctx) -> None:
    calls: list[int] = []
    ctx.on_enqueued = lambda: calls.append(1)
    add_rule(store)
    run_evaluation(ctx, NOW)
    storm(ingest, 30)
    run_evaluation(ctx, at(30))
    assert calls == [1]


def test_evaluate_alerts_on_a_runtime_queues_and_wakes_delivery(tmp_path) -> None:
    settings = Settings(db_path=tmp_path / "rt.duckdb", console_url=CONSOLE,
                        alerts_webhook_hosts=["hooks.slack.com"],
                        alerts_default_slack_webhook=HOOK)  # fmt: skip
    runtime = build_runtime(settings)
    try:
        (notify,) = [s for s in runtime.services if isinstance(s, NotifyService)]
        sender = RecordingSender()
        notify.worker = DeliveryWorker(runtime.store, delivery_policy(settings), sender=sender)
        runtime.store.ingest(IngestBatch(PROJECT, None, records_to_table(
            [span(datetime.now(UTC), status="error") for _ in range(10)]))).result()  # fmt: skip
        summary = evaluate_alerts(runtime)
        assert (summary["projects_seeded"], summary["fired"], summary["notifications"]) == (1, 1, 1)
        assert notify.worker._wake.is_set()  # delivery looks at once, not at its next poll
        (attempt,) = notify.worker.run_once()
        (sent,) = sender.sent
        assert (attempt.status, sent.url) == ("delivered", HOOK)
        assert json.loads(sent.body)["text"].startswith(":red_circle: FIRING · Success rate")
    finally:
        runtime.close()


def test_alerts_job_commits_through_the_job_runner(store, ingest, tmp_path) -> None:
    runner = JobRunner(store, Settings(db_path=tmp_path / "unused.duckdb"), CollectorMetrics(),
                       [JOB], clock=lambda: NOW)  # fmt: skip
    storm(ingest, 0, n=10)
    run = runner.run("alerts", trigger="test")
    assert (run["status"], run["error"], run["rows_read"]) == ("ok", None, 7)
    (event,) = list_events(store, PROJECT, EventFilter())
    assert (event["rule_name"], event["state"], event["fired_at"]) == (
        "Success rate below 90%", "firing", NOW)  # fmt: skip
    assert runner.run("alerts", trigger="test")["status"] == "ok"
    assert len(list_events(store, PROJECT, EventFilter())) == 1
