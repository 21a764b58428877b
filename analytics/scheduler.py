"""Scheduled jobs inside `tracevault serve`: a runner that records every run, and an
APScheduler service that calls it.

A job is a `JobSpec` whose `run(ctx)` READS (on a reader cursor) and returns a `JobOutcome`:
findings plus an optional write function. The runner then applies the outcome, the new
watermark and the `job_runs` row in ONE writer transaction, so a crash between ticks never
loses or double-counts a batch. A per-job lock keeps a job from overlapping itself, whether it
was started by the scheduler (max_instances=1, coalesce) or by `POST /api/jobs/run`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from analytics.findings import Finding, upsert_findings
from analytics.job_metrics import JobMetrics
from analytics.watermark import BatchRange, next_range, read_watermark, set_watermark
from collector.metrics import CollectorMetrics
from collector.settings import Settings
from collector.store import Store

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
RUNS_KEPT = timedelta(days=7)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class JobContext:
    store: Store
    settings: Settings
    now: datetime
    batches: BatchRange | None  # None for a job that is not incremental

    def new_spans(self) -> tuple[str, list[Any]]:
        """WHERE clause for this tick's spans: new batches, minus spans later than lateness."""
        assert self.batches is not None
        return (
            "batch_id > ? AND batch_id <= ? AND start_time >= received_at - to_seconds(?)",
            [self.batches.lo, self.batches.hi, self.settings.job_lateness_s],
        )


@dataclass(slots=True)
class JobOutcome:
    rows_read: int = 0
    findings: list[Finding] = field(default_factory=list)
    write: Callable[[duckdb.DuckDBPyConnection], None] | None = None
    # Retention: deletes or empties rows in the run's transaction and returns how many, which
    # the run records as `rows_pruned` (kept apart from `rows_read`, what the job looked at).
    prune: Callable[[duckdb.DuckDBPyConnection], int] | None = None


@dataclass(frozen=True, slots=True)
class JobSpec:
    name: str
    run: Callable[[JobContext], JobOutcome]
    incremental: bool = True
    after: str | None = None  # an incremental job whose watermark caps ours (we read its output)
    # seconds between runs unless settings.job_schedules overrides it; a callable reads a
    # feature's own setting; None = settings.job_interval_s
    interval_s: float | Callable[[Settings], float] | None = None

    def default_interval_s(self, settings: Settings) -> float:
        interval = self.interval_s(settings) if callable(self.interval_s) else self.interval_s
        return float(settings.job_interval_s if interval is None else interval)


class JobRunner:
    def __init__(
        self, store: Store, settings: Settings, metrics: CollectorMetrics,
        specs: list[JobSpec], clock: Clock = utcnow,
    ) -> None:  # fmt: skip
        self.store, self.settings, self.clock = store, settings, clock
        self.specs = {s.name: s for s in specs}
        self.metrics = JobMetrics.for_registry(metrics)
        self._locks = {name: threading.Lock() for name in self.specs}

    def lock(self, name: str) -> threading.Lock:
        """Held while job `name` runs; hold it to keep the job from running meanwhile."""
        return self._locks[name]

    def run_all(self, trigger: str = "api") -> list[dict[str, Any]]:
        return [self.run(name, trigger) for name in self.specs]

    def run(self, name: str, trigger: str = "schedule") -> dict[str, Any]:
        spec = self.specs[name]
        with self._locks[name]:
            started, t0 = self.clock(), time.perf_counter()
            ctx = JobContext(self.store, self.settings, started, self._range(spec))
            outcome, error = self._execute(spec, ctx)
            run = {"job": name, "trigger": trigger, "started_at": started, "_t0": t0,
                   "batch_lo": ctx.batches.lo if ctx.batches else None,
                   "batch_hi": ctx.batches.hi if ctx.batches else None}  # fmt: skip
            run.update(rows_read=outcome.rows_read, rows_pruned=0, findings=len(outcome.findings),
                       error=error)  # fmt: skip
            run["error"] = self._commit(spec, ctx, outcome, run)
            run["status"] = "error" if run["error"] else "ok"
            del run["_t0"]
            self.metrics.observe(run)
            return run

    def _range(self, spec: JobSpec) -> BatchRange | None:
        if not spec.incremental:
            return None
        ceiling = read_watermark(self.store, spec.after) if spec.after else None
        lo = read_watermark(self.store, spec.name)
        return next_range(self.store, lo, self.settings.job_max_spans_per_tick, ceiling)

    def _execute(self, spec: JobSpec, ctx: JobContext) -> tuple[JobOutcome, str | None]:
        if ctx.batches is not None and ctx.batches.empty:
            return JobOutcome(), None
        try:
            return spec.run(ctx), None
        except Exception as exc:
            log.exception("job %s failed", spec.name)
            return JobOutcome(), f"{type(exc).__name__}: {exc}"

    def _commit(
        self, spec: JobSpec, ctx: JobContext, outcome: JobOutcome, run: dict[str, Any]
    ) -> str | None:
        """Results, watermark and run row together; on failure only the run row (as error)."""

        def apply(con: duckdb.DuckDBPyConnection) -> None:
            if run["error"] is None:
                if outcome.write is not None:
                    outcome.write(con)
                if outcome.prune is not None:
                    run["rows_pruned"] = outcome.prune(con)
                upsert_findings(con, outcome.findings, spec.name, ctx.now)
                if ctx.batches is not None and not ctx.batches.empty:
                    set_watermark(con, spec.name, ctx.batches.hi, ctx.now)
            _insert_run(con, run)

        try:
            self.store.write(apply).result()
            return run["error"]
        except Exception as exc:
            log.exception("job %s: recording its results failed", spec.name)
            run["error"] = f"{type(exc).__name__}: {exc}"
            run["rows_pruned"] = 0  # the transaction that pruned them rolled back
            self.store.write(lambda con: _insert_run(con, run)).result()
            return run["error"]


def _insert_run(con: duckdb.DuckDBPyConnection, run: dict[str, Any]) -> None:
    # Timed here, on the writer, so the recorded duration includes committing the results.
    run["duration_ms"] = (time.perf_counter() - run["_t0"]) * 1000
    run["finished_at"] = run["started_at"] + timedelta(milliseconds=run["duration_ms"])
    row = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM job_runs").fetchone()
    run["run_id"] = int(row[0]) if row else 1
    con.execute(
        "INSERT INTO job_runs (run_id, job, trigger, started_at, finished_at, duration_ms, status, "
        "rows_read, findings, batch_lo, batch_hi, error, rows_pruned) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run["run_id"], run["job"], run["trigger"], run["started_at"], run["finished_at"],
         run["duration_ms"], "error" if run["error"] else "ok", run["rows_read"],
         run["findings"], run["batch_lo"], run["batch_hi"], run["error"], run["rows_pruned"]],
    )  # fmt: skip
    con.execute("DELETE FROM job_runs WHERE started_at < ?", [run["started_at"] - RUNS_KEPT])


def list_runs(store: Store, job: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    where, params = ("WHERE job = ?", [job]) if job else ("", [])
    rows = store.query(
        f"SELECT * FROM job_runs {where} ORDER BY run_id DESC LIMIT ?", [*params, limit]
    )
    iso = [{k: v.isoformat() if isinstance(v, datetime) else v for k, v in r.items()} for r in rows]
    return iso


class JobScheduler:
    """The runtime Service: one APScheduler interval job per JobSpec."""

    def __init__(self, runner: JobRunner, settings: Settings) -> None:
        self.runner = runner
        self._settings = settings
        self._scheduler: BackgroundScheduler | None = None

    @classmethod
    def from_runtime(cls, runtime: Any) -> JobScheduler:
        from analytics.jobs import default_jobs

        runner = JobRunner(runtime.store, runtime.settings, runtime.metrics, default_jobs())
        return cls(runner, runtime.settings)

    def interval_s(self, name: str) -> float:
        override = self._settings.job_schedules.get(name)
        if override is not None:
            return float(override)
        return self.runner.specs[name].default_interval_s(self._settings)

    def start(self) -> None:
        if not self._settings.scheduler_enabled or self._scheduler is not None:
            return
        defaults = {"max_instances": 1, "coalesce": True,
                    "misfire_grace_time": self._settings.job_misfire_grace_s}  # fmt: skip
        self._scheduler = BackgroundScheduler(timezone=UTC, job_defaults=defaults)
        for name in self.runner.specs:
            trigger = IntervalTrigger(seconds=self.interval_s(name), timezone=UTC)
            self._scheduler.add_job(self.runner.run, trigger, args=[name], id=name, name=name)
        self._scheduler.start()

    def health_check(self) -> tuple[str, dict[str, Any]]:
        """For /health: switched off by settings is healthy; switched on but not running is not."""
        enabled = self._settings.scheduler_enabled
        running = self._scheduler is not None and bool(self._scheduler.running)
        return "scheduler", {"ok": running or not enabled, "enabled": enabled, "running": running}

    def stop(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=True)
