"""Everything one `serve` process holds, built once and shared by the routes."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    started: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.store.close()


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
    return Runtime(settings, store, keys, metrics, IngestPipeline(settings, store, metrics))
