"""Wiring into `tracevault serve`: the evaluation job, `evaluate_alerts(runtime)`, and the
notification delivery service.

Evaluation runs as the scheduled job "alerts" (every `alerts_eval_interval_s`, default 30 s,
unless `job_schedules` names it; see `analytics.jobs`); delivery runs continuously in
`NotifyService`, so a notification queued by the job goes out within about a second.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from analytics.alerts.defaults import default_specs
from analytics.alerts.evaluate import AlertContext, plan_evaluation, run_evaluation
from analytics.alerts.measure import Probe
from analytics.alerts.model import Channel
from analytics.notify.worker import DeliveryPolicy, DeliveryWorker
from analytics.scheduler import JobContext, JobOutcome, JobSpec
from collector.settings import Settings
from collector.store import Store

_EVAL_LOCK = threading.Lock()  # direct calls must not interleave their read and write


def probe_for(store: Store, settings: Settings) -> Probe:
    def health_failures() -> int:
        from collector.api.admin import health_checks  # the routes import us: import late

        checks = health_checks(store, settings)
        return sum(1 for check in checks.values() if not check["ok"])

    return Probe(store.queue_depth, health_failures)


def queue_threshold(settings: Settings) -> int:
    """Warn at three quarters of the queue: the collector answers 503 when it is full."""
    return max(1, int(settings.ingest_queue_batches * 0.75))


def context_for(store: Store, settings: Settings, on_enqueued: Any = None) -> AlertContext:
    channels = []
    if settings.alerts_default_slack_webhook is not None:
        channels.append(Channel(type="slack", url=settings.alerts_default_slack_webhook))
    return AlertContext(
        store=store,
        console_url=settings.console_url,
        default_specs=default_specs(queue_threshold(settings), channels),
        probe=probe_for(store, settings),
        on_enqueued=on_enqueued or (lambda: None),
    )


def _wake_delivery(runtime: Any) -> None:
    for service in getattr(runtime, "services", []):
        if isinstance(service, NotifyService):
            service.worker.wake()


def evaluate_alerts(runtime: Any, now: datetime | None = None) -> dict[str, object]:
    """One evaluation tick outside the scheduler (tests, tools); returns what happened."""
    ctx = context_for(runtime.store, runtime.settings, lambda: _wake_delivery(runtime))
    with _EVAL_LOCK:
        return run_evaluation(ctx, now or datetime.now(UTC))


def _run_job(job: JobContext) -> JobOutcome:
    plan = plan_evaluation(context_for(job.store, job.settings), job.now)
    return JobOutcome(rows_read=plan.rules, write=plan.apply)


def _eval_interval_s(settings: Settings) -> float:
    return settings.alerts_eval_interval_s


JOB = JobSpec("alerts", _run_job, incremental=False, interval_s=_eval_interval_s)


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    return DeliveryPolicy(
        allowed_hosts=tuple(settings.alerts_webhook_hosts),
        timeout_s=settings.alerts_delivery_timeout_s,
        max_attempts=settings.alerts_delivery_max_attempts,
        backoff_base_s=settings.alerts_delivery_backoff_s,
    )


class NotifyService:
    """Runtime service around the delivery worker; idle when delivery is switched off."""

    def __init__(self, worker: DeliveryWorker, enabled: bool = True) -> None:
        self.worker = worker
        self._enabled = enabled

    @classmethod
    def from_runtime(cls, runtime: Any) -> NotifyService:
        settings = runtime.settings
        worker = DeliveryWorker(runtime.store, delivery_policy(settings))
        return cls(worker, settings.alerts_delivery_enabled)

    def start(self) -> None:
        if self._enabled:
            self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
