"""The commit hook's chain records, and migration 2 chaining what was stored before it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from collector.audit import install, verify
from collector.audit.canonical import ZERO_HASH, record_sha256, rows_sha256
from collector.store import DuckDBStore, records_to_table
from collector.store.migrations import m001_core
from tests.audit.rows import batch, record

_CHAIN = (
    "SELECT project, seq, batch_id, alg, key_id, span_count, epoch_us(received_at) AS "
    "received_at_us, rows_sha256, prev_sha256, record_sha256 FROM audit_chain ORDER BY batch_id"
)


def _chain(store: DuckDBStore) -> list[dict]:
    return store.query(_CHAIN)


def test_chain_links_records_per_project_when_batches_interleave(tmp_path: Path) -> None:
    store = DuckDBStore(tmp_path / "s.duckdb")
    install(store)
    for project, n in (("alpha", 0), ("beta", 0), ("alpha", 1)):
        store.ingest(batch(project, n, key_id=f"k-{project}")).result()
    chain = _chain(store)
    store.close()
    cols = ("project", "seq", "batch_id", "key_id", "span_count")
    assert [tuple(r[c] for c in cols) for r in chain] == [
        ("alpha", 1, 1, "k-alpha", 3), ("beta", 1, 2, "k-beta", 3), ("alpha", 2, 3, "k-alpha", 3),
    ]  # fmt: skip
    assert [r["prev_sha256"] for r in chain] == [ZERO_HASH, ZERO_HASH, chain[0]["record_sha256"]]
    assert all(record_sha256(r) == r["record_sha256"] for r in chain)


def test_chain_records_empty_batch_when_every_span_is_a_duplicate(tmp_path: Path) -> None:
    store = DuckDBStore(tmp_path / "s.duckdb")
    install(store)
    store.ingest(batch("alpha", 0)).result()
    assert store.ingest(batch("alpha", 0)).result() == 0  # an exporter's retry
    chain = _chain(store)
    ok = store.read(lambda con: verify(con)).ok
    store.close()
    assert [(r["seq"], r["span_count"]) for r in chain] == [(1, 3), (2, 0)]
    assert chain[1]["rows_sha256"] == rows_sha256([])
    assert ok


def test_migration_chains_batches_when_they_were_stored_before_the_audit_trail(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))  # a store as version 1 of the schema left it
    m001_core(con)
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, "
                "applied_at TIMESTAMPTZ)")  # fmt: skip
    con.execute("INSERT INTO schema_migrations VALUES (1, 'm001_core', now())")
    for batch_id, n in ((1, 0), (2, 1)):
        con.register("old_rows", records_to_table([record("legacy", n, batch_id)]))
        con.execute("INSERT INTO spans SELECT (key_hi::UHUGEINT << 64) | key_lo::UHUGEINT, "
                    f"{batch_id}, * EXCLUDE (key_hi, key_lo) FROM old_rows")  # fmt: skip
        con.execute("INSERT INTO ingest_batches VALUES (?, 'legacy', 'k-old', 1, ?)",
                    [batch_id, datetime(2025, 1, batch_id, tzinfo=UTC)])  # fmt: skip
    con.close()
    store = DuckDBStore(path)  # applies migration 2 (and later ones)
    chain = _chain(store)
    report = store.read(lambda con: verify(con))
    store.close()
    assert [(r["seq"], r["batch_id"], r["key_id"], r["span_count"]) for r in chain] == [
        (1, 1, "k-old", 1), (2, 2, "k-old", 1),
    ]  # fmt: skip
    assert report.ok and report.spans_checked == 2
