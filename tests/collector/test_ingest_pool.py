"""Ingest prepared in worker processes: same rows and digests as in-process, same errors, and a
real `serve` with workers stores and verifies what it acknowledged."""

from __future__ import annotations

import gzip
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from collector.audit.digest import KEY, digest_table
from collector.errors import BadRequestError, PayloadTooLargeError
from collector.ingest import PROTOBUF, PrepareOptions, prepare_payload
from collector.ingest_pool import PreparePool
from collector.process import start_collector
from sample_data.bulk import BatchFactory

OPTIONS = PrepareOptions(1 << 20, frozenset(), None)
PAYLOAD = BatchFactory(seed=7, content_on_every_span=True).batch(40)


def _wait_ready(ready: callable, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, "workers did not start"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def pool() -> Iterator[PreparePool]:
    pool = PreparePool(OPTIONS, 1)
    _wait_ready(lambda: pool.ready)
    yield pool
    pool.close()


def test_worker_rows_equal_in_process_rows_when_payload_is_valid(pool: PreparePool) -> None:
    here = prepare_payload(PAYLOAD, PROTOBUF, None, "p1", "k1", OPTIONS)
    there = pool.prepare(PAYLOAD, PROTOBUF, None, "p1", "k1")
    assert here.batch is not None and there.batch is not None
    assert (there.accepted, there.rejected, there.batch.key_id) == (40, 0, "k1")
    # The same values, column for column, but the batch's receive time. Attribute JSON too: the
    # protobuf map decodes in a per-process hash order, so this needs the keys stored sorted.
    mine, theirs = here.batch.table, there.batch.table
    for name in mine.column_names:
        if name != "received_at":
            assert theirs[name].equals(mine[name]), name
    digest = digest_table(there.batch.table)
    assert there.batch.derived[KEY].rows_sha256 == digest.rows_sha256
    assert there.batch.derived[KEY].rows.equals(digest.rows)


def test_worker_errors_reach_the_caller_as_the_same_errors_when_input_is_bad(
    pool: PreparePool,
) -> None:
    with pytest.raises(BadRequestError, match="malformed OTLP"):
        pool.prepare(PAYLOAD[:-7], PROTOBUF, None, "p1", None)
    bomb = gzip.compress(b"\0" * (2 << 20))
    with pytest.raises(PayloadTooLargeError, match="exceeds"):
        pool.prepare(bomb, PROTOBUF, "gzip", "p1", None)


def test_served_workers_store_and_chain_acknowledged_spans_when_ready(tmp_path: Path) -> None:
    admin = "tv_admin_" + secrets.token_hex(6)
    proc = start_collector(
        tmp_path / "s.duckdb", admin, log_path=tmp_path / "serve.log",
        env={"TRACEVAULT_INGEST_WORKERS": "2"},
    )  # fmt: skip
    try:
        http = httpx.Client(base_url=proc.url, timeout=30)
        workers = lambda: http.get("/health").json()["checks"]["ingest_workers"]  # noqa: E731
        _wait_ready(lambda: workers()["ready"])
        assert workers() == {"ok": True, "workers": 2, "ready": True}
        auth = {"Authorization": f"Bearer {admin}"}
        key = http.post("/api/keys", headers=auth, json={"project": "pw", "role": "ingest"})
        sent = http.post("/v1/traces", content=PAYLOAD, headers={
            "Authorization": f"Bearer {key.json()['key']}", "Content-Type": PROTOBUF})  # fmt: skip
        assert sent.status_code == 200, sent.text
        assert http.post("/v1/traces", content=PAYLOAD[:-7], headers={
            "Authorization": f"Bearer {key.json()['key']}", "Content-Type": PROTOBUF,
        }).status_code == 400  # fmt: skip
        owner = http.post("/api/keys", headers=auth, json={"project": "pw", "role": "admin"})
        report = http.get(
            "/api/audit/verify", headers={"Authorization": f"Bearer {owner.json()['key']}"}
        ).json()
    finally:
        proc.stop()
    assert (report["ok"], report["spans_checked"], report["batches_checked"]) == (True, 40, 1)
