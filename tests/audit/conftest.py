"""A real DuckDB store file with a known chain: project alpha batches 1-3, beta batch 4."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from collector.audit import install
from collector.cli import main
from collector.store import DuckDBStore
from tests.audit.rows import batch


def build_store(path: Path) -> Path:
    store = DuckDBStore(path)
    install(store)
    try:
        for n, key in enumerate(("k-alpha-1", "k-alpha-1", "k-alpha-2")):
            store.ingest(batch("alpha", n, key_id=key)).result()
        store.ingest(batch("beta", 0, key_id="k-beta")).result()
    finally:
        store.close()
    return path


@pytest.fixture(scope="session")
def pristine_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("audit") / "pristine.duckdb")


@pytest.fixture
def store_file(pristine_store: Path, tmp_path: Path) -> Path:
    """A private copy of the pristine store, free to tamper with."""
    return Path(shutil.copy(pristine_store, tmp_path / "store.duckdb"))


def tamper(path: Path, *statements: str) -> None:
    """Edit the file directly, the way someone with disk access would."""
    con = duckdb.connect(str(path))
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()


def verify_cli(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, Any]:
    """`tracevault audit verify --db PATH --json`, in process: exit code and parsed report."""
    code = main(["audit", "verify", "--db", str(path), "--json", *extra])
    return code, json.loads(capsys.readouterr().out)
