"""Retention drops span payloads by age and project; the chain still verifies afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from analytics.scheduler import JobRunner
from collector.audit import install, verify
from collector.audit.job import JOB
from collector.audit.retention import (
    audit_retention_job,
    get_policy,
    run_retention,
    set_policy,
)
from collector.metrics import CollectorMetrics
from collector.settings import Settings
from collector.store import DuckDBStore
from tests.audit.rows import T0

# Batch n of each project was received at T0 + 60n + 30 s; this keeps alpha batches 1-2.
AS_OF = T0 + timedelta(days=30, seconds=45)


@pytest.fixture
def store(store_file: Path) -> Iterator[DuckDBStore]:
    opened = DuckDBStore(store_file)
    install(opened)
    yield opened
    opened.close()


def _payloads(store: DuckDBStore) -> dict[tuple[str, int], int]:
    rows = store.query(
        "SELECT project, batch_id, count(content) AS n FROM spans GROUP BY ALL ORDER BY ALL"
    )
    return {(r["project"], r["batch_id"]): r["n"] for r in rows}


def _problems(store: DuckDBStore) -> list[tuple[int, str]]:
    report = store.read(lambda con: verify(con))
    return [(p.batch_id, p.kind) for p in report.problems]


def test_retention_drops_only_old_payloads_when_default_applies(store: DuckDBStore) -> None:
    result = run_retention(store, AS_OF, default_days=30)
    assert result == {"as_of": AS_OF.isoformat(), "spans_dropped": {"alpha": 3, "beta": 3},
                      "total": 6}  # fmt: skip
    assert _payloads(store) == {("alpha", 1): 0, ("alpha", 2): 3, ("alpha", 3): 3, ("beta", 4): 0}
    dropped = store.query("SELECT attributes, events FROM spans WHERE batch_id = 1")
    assert dropped == [{"attributes": None, "events": None}] * 3


def test_verify_passes_when_retention_has_run(store: DuckDBStore) -> None:
    run_retention(store, AS_OF, default_days=30)
    report = store.read(lambda con: verify(con))
    assert report.ok and report.problem_count == 0
    assert report.spans_without_payload == 6


def test_retention_uses_project_policy_when_one_is_set(store: DuckDBStore) -> None:
    set_policy(store, "alpha", 0)
    set_policy(store, "beta", 31)
    assert get_policy(store, "alpha", 30) == {"project": "alpha", "days": 0, "source": "project"}
    assert get_policy(store, "gamma", 30) == {"project": "gamma", "days": 30, "source": "default"}
    assert run_retention(store, AS_OF, default_days=30)["spans_dropped"] == {}
    later = T0 + timedelta(days=31, seconds=31)
    assert run_retention(store, later, default_days=30)["spans_dropped"] == {"beta": 3}
    assert _payloads(store)[("alpha", 1)] == 3


def test_verify_names_batch_when_a_retained_span_is_edited(store: DuckDBStore) -> None:
    run_retention(store, AS_OF, default_days=30)
    store.write(
        lambda con: con.execute("UPDATE spans SET cost_usd = 1 WHERE batch_id = 1")
    ).result()
    assert _problems(store) == [(1, "span_altered")]


def test_verify_names_batch_when_content_is_put_back_after_retention(store: DuckDBStore) -> None:
    run_retention(store, AS_OF, default_days=30)
    forged = 'UPDATE spans SET content = \'{"system": "forged"}\' WHERE batch_id = 4'
    store.write(lambda con: con.execute(forged)).result()
    assert _problems(store) == [(4, "span_altered")]


def test_verify_flags_payload_dropped_when_newer_than_the_cutoff(store: DuckDBStore) -> None:
    run_retention(store, AS_OF, default_days=30)
    drop = "UPDATE spans SET content = NULL, attributes = NULL, events = NULL WHERE batch_id = 3"
    store.write(lambda con: con.execute(drop)).result()
    assert _problems(store) == [(3, "payload_dropped")]


def test_retention_job_records_its_run_when_the_scheduler_runs_it(
    store: DuckDBStore, tmp_path: Path
) -> None:
    settings = Settings(db_path=tmp_path / "unused.duckdb", audit_retention_days=30)
    runner = JobRunner(store, settings, CollectorMetrics(), [JOB], clock=lambda: AS_OF)
    run = runner.run("audit_retention", trigger="test")
    assert (run["status"], run["rows_read"], run["rows_pruned"], run["error"]) == ("ok", 6, 6, None)
    (recorded,) = store.query("SELECT rows_read, rows_pruned FROM job_runs")
    assert recorded == {"rows_read": 6, "rows_pruned": 6}
    assert _payloads(store)[("alpha", 1)] == 0
    assert store.read(lambda con: verify(con)).ok


def test_audit_retention_job_uses_settings_default_when_called_with_a_runtime(
    store: DuckDBStore, tmp_path: Path
) -> None:
    settings = Settings(db_path=tmp_path / "unused.duckdb", audit_retention_days=1)
    result = audit_retention_job(SimpleNamespace(store=store, settings=settings))
    # Every test span is from 2025: older than one day whenever this runs.
    assert result["spans_dropped"] == {"alpha": 9, "beta": 3}
    assert datetime.fromisoformat(result["as_of"]) > datetime(2025, 7, 1, tzinfo=UTC)
