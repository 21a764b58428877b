"""The registry of scheduled jobs run by `tracevault serve`.

Order matters for `POST /api/jobs/run`, which runs them one after the other: the rollups come
first because the cost-anomaly job reads them. Another feature adds its job with one line.
"""

from __future__ import annotations

from analytics import anomalies, injection_job, loops, rollups, sessions, tool_validity
from analytics.alerts import retention as alert_retention
from analytics.alerts import service as alerts_service
from analytics.scheduler import JobSpec
from collector.audit import job as audit_job


def default_jobs() -> list[JobSpec]:
    return [
        rollups.JOB,
        anomalies.JOB,
        sessions.JOB,
        loops.JOB,
        tool_validity.JOB,
        injection_job.JOB,
        audit_job.JOB,
        alerts_service.JOB,  # after the detectors: reads findings
        alert_retention.JOB,
    ]
