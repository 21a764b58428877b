"""Findings and jobs: GET /api/findings, GET /api/jobs, POST /api/jobs/run (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from analytics.findings import SEVERITIES, FindingFilter, list_findings
from analytics.scheduler import JobScheduler, list_runs
from collector.api.deps import AdminKey, ReadKey, RuntimeDep
from collector.errors import BadRequestError, NotFoundError
from collector.runtime import Runtime

router = APIRouter(prefix="/api", tags=["findings"])


@router.get("/findings", summary="Findings of the detector jobs, newest first")
def get_findings(
    runtime: RuntimeDep,
    key: ReadKey,
    kind: str | None = None,
    severity: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    trace_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    if severity is not None and severity not in SEVERITIES:
        raise BadRequestError(f"severity must be one of {list(SEVERITIES)}")
    f = FindingFilter(kind, severity, since, until, trace_id.lower() if trace_id else None, limit)
    return {"findings": list_findings(runtime.store, key.project, f)}


def _scheduler(runtime: Runtime) -> JobScheduler:
    for service in runtime.services:
        if isinstance(service, JobScheduler):
            return service
    raise NotFoundError("the job scheduler is not installed in this collector")


@router.get("/jobs", summary="Recent job runs (every project: jobs are collector-wide)")
def get_jobs(
    runtime: RuntimeDep,
    key: AdminKey,
    job: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    scheduler = _scheduler(runtime)
    names = scheduler.runner.specs
    jobs = [{"name": name, "interval_s": scheduler.interval_s(name)} for name in names]
    return {"jobs": jobs, "runs": list_runs(runtime.store, job, limit)}


@router.post("/jobs/run", summary="Run every job once, now, and return their runs")
async def run_jobs(runtime: RuntimeDep, key: AdminKey) -> dict[str, Any]:
    runner = _scheduler(runtime).runner
    runs = await run_in_threadpool(runner.run_all, "api")
    return {"runs": [{k: v.isoformat() if isinstance(v, datetime) else v for k, v in r.items()}
                     for r in runs]}
