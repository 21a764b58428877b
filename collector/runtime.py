"""Everything one `serve` process holds, built once and shared by the routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from analytics.alerts.service import NotifyService
from analytics.scheduler import JobScheduler
from collector.audit.service import AuditService
from collector.ingest import IngestPipeline
from collector.keys import KeyRing
from collector.metrics import CollectorMetrics
from collector.settings import Settings
from collector.store import DuckDBStore, Store


@dataclass
class Runtime:
    settings: Settings
    store: Store
    keys: KeyRing
    metrics: CollectorMetrics
    ingest: IngestPipeline
    # Background services (scheduler, notifier, ...) started with the app and stopped before
    # the store closes. Each has start() and stop(); stop() must be safe to call twice.
    services: list[Service] = field(default_factory=list)

    def start(self) -> None:
        self.ingest.start()
        for service in self.services:
            service.start()

    def service_checks(self) -> dict[str, dict[str, Any]]:
        """/health entries of the services that report one (`health_check() -> (name, check)`)."""
        reports = (getattr(s, "health_check", None) for s in self.services)
        return dict(report() for report in reports if report is not None)

    def close(self) -> None:
        for service in reversed(self.services):
            service.stop()
        self.ingest.close()
        self.store.close()


class Service(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


def _services(runtime: Runtime) -> list[Service]:
    # One line per background service, each built from the runtime.
    return [
        AuditService.from_runtime(runtime),
        JobScheduler.from_runtime(runtime),
        NotifyService.from_runtime(runtime),
    ]


def build_runtime(settings: Settings, store: Store | None = None) -> Runtime:
    store = store or DuckDBStore(
        settings.db_path,
        queue_batches=settings.ingest_queue_batches,
        group_commit=settings.group_commit_batches,
        retry_after_s=settings.retry_after_s,
    )
    admin = settings.admin_key.get_secret_value() if settings.admin_key else None
    keys = KeyRing(store, admin, settings.default_project)
    metrics = CollectorMetrics()
    runtime = Runtime(settings, store, keys, metrics, IngestPipeline(settings, store, metrics))
    runtime.services = _services(runtime)
    return runtime
