"""The registry of scheduled jobs run by `tracevault serve`.

Order matters for `POST /api/jobs/run`, which runs them one after the other: the rollups come
first because the cost-anomaly job reads them. Another feature adds its job with one line.
"""

from __future__ import annotations

from analytics import anomalies, injection_job, loops, rollups, sessions, tool_validity
from analytics.scheduler import JobSpec


def default_jobs() -> list[JobSpec]:
    return [
        rollups.JOB,
        anomalies.JOB,
        sessions.JOB,
        loops.JOB,
        tool_validity.JOB,
        injection_job.JOB,
        __import__("collector.audit.job", fromlist=["_"]).JOB,
        __import__("analytics.alerts.service", fromlist=["_"]).JOB,  # last: reads findings
    ]
