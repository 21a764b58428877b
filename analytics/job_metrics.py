"""Prometheus series for the jobs, registered on the collector's own registry (/metrics)."""

from __future__ import annotations

import weakref
from typing import Any, ClassVar

from prometheus_client import CollectorRegistry, Counter, Gauge

from collector.metrics import CollectorMetrics


class JobMetrics:
    _by_registry: ClassVar[weakref.WeakKeyDictionary[CollectorRegistry, JobMetrics]] = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self, metrics: CollectorMetrics) -> None:
        r = metrics.registry
        self.duration = metrics.job_duration
        self.runs = Counter("tracevault_job_runs", "Job runs", ["job", "status"], registry=r)
        self.rows = Counter("tracevault_job_rows_read", "Rows read by jobs", ["job"], registry=r)
        self.pruned = Counter(
            "tracevault_job_rows_pruned", "Rows deleted or emptied by retention jobs", ["job"],
            registry=r,
        )  # fmt: skip
        self.findings = Counter(
            "tracevault_job_findings", "Findings reported by jobs", ["job"], registry=r
        )
        self.last_success = Gauge(
            "tracevault_job_last_success_timestamp_seconds", "End of the last good run",
            ["job"], registry=r,
        )  # fmt: skip
        self.watermark = Gauge(
            "tracevault_job_watermark_batch", "Last ingest batch consumed", ["job"], registry=r
        )

    @classmethod
    def for_registry(cls, metrics: CollectorMetrics) -> JobMetrics:
        # A registry refuses a metric name twice: share one set per CollectorMetrics.
        found = cls._by_registry.get(metrics.registry)
        if found is None:
            found = cls._by_registry[metrics.registry] = cls(metrics)
        return found

    def observe(self, run: dict[str, Any]) -> None:
        job = run["job"]
        self.duration.labels(job).observe(run["duration_ms"] / 1000)
        self.runs.labels(job, run["status"]).inc()
        self.rows.labels(job).inc(run["rows_read"])
        self.pruned.labels(job).inc(run["rows_pruned"])
        self.findings.labels(job).inc(run["findings"])
        if run["status"] == "ok":
            self.last_success.labels(job).set(run["finished_at"].timestamp())
            if run["batch_hi"] is not None:
                self.watermark.labels(job).set(run["batch_hi"])
