"""Per-job default intervals on JobSpec; settings hold only overrides."""

from __future__ import annotations

import re

import pytest

from analytics.alerts.service import JOB as ALERTS_JOB
from analytics.jobs import default_jobs
from analytics.scheduler import JobOutcome, JobRunner, JobScheduler, JobSpec
from collector.errors import ConfigError
from collector.metrics import CollectorMetrics
from collector.settings import Settings, load_settings


def _noop(_ctx: object) -> JobOutcome:
    return JobOutcome()


def _intervals(settings: Settings, store) -> dict[str, float]:
    specs = [*default_jobs(), JobSpec("fixed", _noop, incremental=False, interval_s=7.5)]
    scheduler = JobScheduler(JobRunner(store, settings, CollectorMetrics(), specs), settings)
    return {name: scheduler.interval_s(name) for name in ("rollups", "alerts", "fixed")}


def test_job_intervals_come_from_specs_when_nothing_overrides(store) -> None:
    settings = Settings(alerts_eval_interval_s=12)
    assert settings.job_schedules == {}  # settings hold overrides only
    assert _intervals(settings, store) == {"rollups": 60.0, "alerts": 12.0, "fixed": 7.5}


def test_job_schedules_override_every_default(store) -> None:
    settings = Settings(job_interval_s=90, job_schedules={"alerts": 5, "fixed": 1, "rollups": 2})
    assert _intervals(settings, store) == {"rollups": 2.0, "alerts": 5.0, "fixed": 1.0}


def test_alerts_job_default_follows_its_setting() -> None:
    assert ALERTS_JOB.default_interval_s(Settings()) == 30.0
    assert ALERTS_JOB.default_interval_s(Settings(alerts_eval_interval_s=0.5)) == 0.5


def test_default_webhook_off_the_allow_list_fails_at_start() -> None:
    message = "alerts_default_slack_webhook: webhook host 'evil.test' is not allowed"
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(alerts_default_slack_webhook="https://evil.test/hook")
    ok = load_settings(alerts_default_slack_webhook="https://hooks.slack.com/services/T/B/x")
    assert ok.alerts_default_slack_webhook is not None
