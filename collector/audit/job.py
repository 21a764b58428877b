"""Retention as a job of the analytics scheduler (registered in `analytics.jobs`)."""

from __future__ import annotations

import duckdb

from analytics.scheduler import JobContext, JobOutcome, JobSpec
from collector.audit.retention import apply_retention, count_due


def _run(ctx: JobContext) -> JobOutcome:
    days = ctx.settings.audit_retention_days
    # Counted on a reader first, so the job run records how many spans it was going to clear.
    due = ctx.store.read(lambda con: count_due(con, ctx.now, days))

    def drop(con: duckdb.DuckDBPyConnection) -> int:
        return int(apply_retention(con, ctx.now, days)["total"])

    return JobOutcome(rows_read=due, prune=drop)


JOB = JobSpec("audit_retention", _run, incremental=False)
