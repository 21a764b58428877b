"""The collector-health rule's probe runs the /health checks without a request's runtime."""

from __future__ import annotations

from pathlib import Path

from analytics.alerts.service import probe_for
from collector.settings import Settings
from collector.store import DuckDBStore


def test_probe_counts_failing_health_checks_when_built_from_store_and_settings(
    tmp_path: Path,
) -> None:
    store = DuckDBStore(tmp_path / "s.duckdb")
    try:
        healthy = probe_for(store, Settings(db_path=tmp_path / "s.duckdb")).health_failures()
        short_of_disk = probe_for(
            store, Settings(db_path=tmp_path / "s.duckdb", min_free_disk_mb=1 << 40)
        ).health_failures()
    finally:
        store.close()
    assert (healthy, short_of_disk) == (0, 1)
