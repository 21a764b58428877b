"""A real DuckDB store in a temp file, and a runner over it with every job of the registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from analytics.injection import ENV_VAR, MODEL_ENV_VAR
from analytics.jobs import default_jobs
from analytics.scheduler import JobRunner
from collector.metrics import CollectorMetrics
from collector.settings import Settings
from collector.store import DuckDBStore, IngestBatch, records_to_table


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DuckDBStore]:
    s = DuckDBStore(tmp_path / "analytics.duckdb")
    yield s
    s.close()


@pytest.fixture
def settings() -> Settings:
    return Settings(job_lateness_s=10 * 365 * 86400)  # fixed past dates: nothing is too late


@pytest.fixture
def runner(store: DuckDBStore, settings: Settings) -> JobRunner:
    return JobRunner(store, settings, CollectorMetrics(), default_jobs())


@pytest.fixture
def ingest(store: DuckDBStore) -> Callable[[list[dict[str, Any]]], int]:
    def send(records: list[dict[str, Any]]) -> int:
        project = records[0]["project"]
        return store.ingest(IngestBatch(project, None, records_to_table(records))).result()

    return send


@pytest.fixture
def rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Injection tests pin exact rule scores: no plug-in scorers, the learned model off. Model
    tests pass `model=True` or call it directly."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv(MODEL_ENV_VAR, "off")
