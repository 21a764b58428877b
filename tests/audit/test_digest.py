"""Digests prepared on the request thread equal the canonical forms and the stored-row SQL."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from collector.audit import install, verify
from collector.audit.canonical import payload_sha256, row_sha256, rows_sha256
from collector.audit.digest import KEY, digest_table
from collector.store import DuckDBStore, IngestBatch, records_to_table
from tests.audit.rows import record

EDGES = [
    {},
    {"cost_usd": math.nan, "status_message": "naïve, 1:2 ☃", "content": None},
    {"cost_usd": 1e-300, "duration_ms": -0.0, "attributes": None, "events": None},
    {"cost_usd": 123456789.123456789, "http_status": 529, "parent_span_id": None},
    {"status_message": "", "user_id": "", "duration_ms": math.inf},
]


@pytest.mark.parametrize("over", EDGES)
def test_prepared_row_digests_equal_python_forms_when_values_vary(over: dict) -> None:
    rec = record("proj-a", 3, **over)
    rows = digest_table(records_to_table([rec])).rows.to_pylist()
    payload = payload_sha256(rec["content"], rec["attributes"], rec["events"])
    assert [(r["payload_sha256"], r["row_sha256"]) for r in rows] == [
        (payload, row_sha256(rec, payload))
    ]


def test_batch_digest_orders_rows_by_trace_and_span_when_sent_out_of_order() -> None:
    recs = [record("proj-a", n, batch=n % 2) for n in (4, 1, 3, 0, 2)]
    digest = digest_table(records_to_table(recs))
    expected = [
        row_sha256(r, payload_sha256(r["content"], r["attributes"], r["events"]))
        for r in sorted(recs, key=lambda r: (r["trace_id"], r["span_id"]))
    ]
    assert digest.rows_sha256 == rows_sha256(expected)


def _stored_digests(store: DuckDBStore) -> list[tuple]:
    return [
        tuple(r.values())
        for r in store.query(
            "SELECT batch_id, span_id, payload_sha256, row_sha256 FROM audit_spans "
            "ORDER BY batch_id, span_id"
        )
    ]


def test_store_keeps_prepared_digests_and_rehashes_partial_batches_when_some_spans_repeat(
    tmp_path: Path,
) -> None:
    store = DuckDBStore(tmp_path / "s.duckdb")
    install(store)
    first = IngestBatch("alpha", "k1", records_to_table([record("alpha", n) for n in range(3)]))
    store.ingest(first).result()
    assert KEY in first.derived  # hashed before the writer, by the preparer
    # One span already stored (an exporter's retry) and one new: the writer re-hashes in SQL.
    mixed = [record("alpha", 2), record("alpha", 5)]
    assert store.ingest(IngestBatch("alpha", "k1", records_to_table(mixed))).result() == 1
    stored = _stored_digests(store)
    chain = store.query("SELECT batch_id, span_count FROM audit_chain ORDER BY batch_id")
    report = store.read(lambda con: verify(con))
    store.close()
    prepared = first.derived[KEY].rows.to_pylist()
    assert stored[:3] == [(1, r["span_id"], r["payload_sha256"], r["row_sha256"]) for r in prepared]
    assert [(b, s) for b, s, *_ in stored[3:]] == [(2, f"{6:016x}")]
    assert [(c["batch_id"], c["span_count"]) for c in chain] == [(1, 3), (2, 1)]
    assert report.ok
