"""End to end: spans through a real collector, the collector stopped, the file tampered with,
then `tracevault audit verify --db` run as its own process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from collector.audit.retention import run_retention
from collector.store import DuckDBStore
from tests.audit.conftest import tamper
from tests.audit.test_api import SDK, _agent_trace, _send
from tests.collector.otlp_json import CHAT_ATTRS, span
from tests.conftest import Collector

PROJECT = "offline-audit"


@pytest.fixture(scope="module")
def stopped_store(collector: Collector) -> Path:
    """Three batches from one ingest key, then the collector stopped (it owns the file)."""
    with collector.client(collector.new_key(PROJECT, "ingest")) as ingest:
        _send(ingest, [span(attributes={**CHAT_ATTRS, **SDK})])
        _send(ingest, _agent_trace()[1])
        _send(ingest, [span(attributes={**CHAT_ATTRS, **SDK}) for _ in range(2)])
    collector.process.stop()
    return collector.process.db_path


@pytest.fixture
def db(stopped_store: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(stopped_store, tmp_path / "copy.duckdb"))


def _verify(db: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "collector.cli", "audit", "verify", "--db", str(db)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _batches(db: Path) -> list[int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT batch_id FROM audit_chain WHERE project = ? ORDER BY seq", [PROJECT]
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def test_cli_verify_exits_zero_when_the_stopped_store_is_untouched(db: Path) -> None:
    done = _verify(db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK: 3 batches, 6 spans, 1 project(s) verified")


def test_cli_verify_names_batch_when_the_stopped_store_is_tampered(db: Path) -> None:
    second = _batches(db)[1]
    tamper(
        db, f"UPDATE spans SET duration_ms = 1 WHERE batch_id = {second} AND parent_span_id IS NULL"
    )
    done = _verify(db)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == "BROKEN: 1 problem(s); first broken link:"
    assert lines[1].startswith(f"  project '{PROJECT}' batch {second} seq 2: span_altered:")


def test_cli_verify_refuses_politely_when_the_file_is_missing(tmp_path: Path) -> None:
    done = _verify(tmp_path / "nope.duckdb")
    assert done.returncode == 2
    assert done.stderr.strip() == f"tracevault: no database file at {tmp_path / 'nope.duckdb'}"


def test_cli_verify_exits_zero_when_retention_dropped_every_payload(db: Path) -> None:
    store = DuckDBStore(db)
    try:
        dropped = run_retention(store, datetime.now(UTC) + timedelta(days=31), default_days=30)
    finally:
        store.close()
    assert dropped["spans_dropped"] == {PROJECT: 6}
    done = _verify(db)
    assert done.returncode == 0, done.stdout
    assert done.stdout.startswith("OK: 3 batches, 6 spans")


def test_cli_export_writes_jsonl_when_run_on_the_stopped_store(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.jsonl"
    cmd = [sys.executable, "-m", "collector.cli", "audit", "export", "--db", str(db)]
    done = subprocess.run([*cmd, "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    kinds = [json.loads(line)["type"] for line in out.read_text().splitlines()]
    assert kinds == ["header"] + ["record"] * 3 + ["span"] * 6
