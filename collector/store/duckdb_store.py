"""DuckDB store: one writer thread owns the connection; readers use per-thread cursors.

Request handlers hand batches to the writer through a bounded queue and wait on a future, so a
200 is only sent after COMMIT. The writer drains whatever is queued and commits ingest batches
together (group commit); arbitrary write functions run in their own transaction.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from collector.errors import BackpressureError, StoreClosedError
from collector.schema import FIELD_NAMES
from collector.store.base import (
    BatchPreparer,
    CommitHook,
    CommittedBatch,
    IngestBatch,
    ReadFn,
    T,
    WriteFn,
)
from collector.store.migrations import apply_migrations

log = logging.getLogger(__name__)

# One INSERT per group commit, not per batch: a statement costs ~3 ms of fixed work, and the
# primary-key check is cheaper on one large input. It is tried without ON CONFLICT first (~20%
# cheaper, measured); a duplicate span (a client retry) makes it fail and the group is redone
# with ON CONFLICT DO NOTHING, which RETURNs the batch of each row it kept.
_INSERT_SQL = (
    "INSERT INTO spans SELECT (key_hi::UHUGEINT << 64) | key_lo::UHUGEINT, batch_id, "
    + ", ".join(FIELD_NAMES)
    + " FROM batch_rows"
)
# DISTINCT ON: a span sent twice within one group is kept from its earliest batch, as when the
# batches were inserted one by one.
_INSERT_NEW_SQL = (
    "INSERT INTO spans SELECT (key_hi::UHUGEINT << 64) | key_lo::UHUGEINT, batch_id, "
    + ", ".join(FIELD_NAMES)
    + " FROM (SELECT DISTINCT ON (key_hi, key_lo) * FROM batch_rows"
    + " ORDER BY key_hi, key_lo, batch_id) ON CONFLICT DO NOTHING RETURNING batch_id"
)
_BATCH_VALUES = "(?, ?, ?, ?, now())"  # one statement for the group's ingest_batches rows
_ROW_COLUMNS = [*FIELD_NAMES, "key_hi", "key_lo"]


@dataclass(slots=True)
class _Job:
    future: Future[Any]
    batch: IngestBatch | None = None
    fn: WriteFn[Any] | None = None


_STOP = object()


class DuckDBStore:
    def __init__(
        self,
        path: str | Path,
        *,
        queue_batches: int = 64,
        group_commit: int = 32,
        retry_after_s: int = 1,
    ) -> None:
        self._con = duckdb.connect(str(path))
        apply_migrations(self._con)
        self._next_batch_id = self._max_batch_id() + 1
        self._queue: queue.Queue[Any] = queue.Queue()
        self._ingest_slots = threading.BoundedSemaphore(queue_batches)
        self._pending = 0
        self._group_commit = group_commit
        self._retry_after_s = retry_after_s
        self._hooks: list[CommitHook] = []
        self._preparers: list[BatchPreparer] = []
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._closed = False
        self._lock = threading.Lock()
        self.commit_seconds: list[float] = []  # recent commit latencies, read by /metrics
        self._thread = threading.Thread(target=self._run, name="tracevault-writer", daemon=True)
        self._thread.start()

    # -- public API -----------------------------------------------------------------------
    def ingest(self, batch: IngestBatch) -> Future[int]:
        self._check_open()
        if not self._ingest_slots.acquire(blocking=False):
            raise BackpressureError("ingest queue full", self._retry_after_s)
        try:
            for prepare in self._preparers:
                prepare(batch)
        except BaseException:
            self._ingest_slots.release()
            raise
        with self._lock:
            self._pending += 1
        fut: Future[int] = Future()
        self._queue.put(_Job(fut, batch=batch))
        return fut

    def write(self, fn: WriteFn[T]) -> Future[T]:
        self._check_open()
        fut: Future[T] = Future()
        self._queue.put(_Job(fut, fn=fn))
        return fut

    def read(self, fn: ReadFn[T]) -> T:
        self._check_open()
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._con.cursor()
            self._local.cursor = cursor
            with self._lock:
                self._cursors.append(cursor)
        return fn(cursor)

    def query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        def run(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
            result = cur.execute(sql, params or [])
            names = [d[0] for d in result.description or []]
            return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

        return self.read(run)

    def queue_depth(self) -> int:
        return self._pending

    def add_commit_hook(self, hook: CommitHook) -> None:
        self._hooks.append(hook)

    def add_batch_preparer(self, preparer: BatchPreparer) -> None:
        self._preparers.append(preparer)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._queue.put(_STOP)
        self._thread.join(timeout=30)
        for cursor in self._cursors:
            cursor.close()
        self._con.close()

    # -- writer thread --------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise StoreClosedError("store is closed")

    def _max_batch_id(self) -> int:
        row = self._con.execute("SELECT coalesce(max(batch_id), 0) FROM ingest_batches").fetchone()
        return int(row[0]) if row else 0

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            jobs = [first]
            while len(jobs) < self._group_commit:
                try:
                    jobs.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if self._process(jobs):
                return

    def _process(self, jobs: list[Any]) -> bool:
        """Run queued jobs in order; returns True when the stop marker was seen."""
        group: list[_Job] = []
        for job in jobs:
            if job is _STOP:
                self._commit_group(group)
                return True
            if job.batch is not None:
                group.append(job)
                continue
            self._commit_group(group)
            group = []
            self._run_fn(job)
        self._commit_group(group)
        return False

    def _run_fn(self, job: _Job) -> None:
        try:
            self._con.execute("BEGIN")
            result = job.fn(self._con) if job.fn else None
            self._con.execute("COMMIT")
            job.future.set_result(result)
        except BaseException as exc:
            self._rollback()
            job.future.set_exception(exc)

    def _commit_group(self, group: list[_Job]) -> None:
        if not group:
            return
        try:
            counts = self._insert(group)
        except Exception as exc:
            if len(group) > 1:  # isolate the bad batch so the others still land
                for job in group:
                    self._commit_group([job])
                return
            log.exception("ingest commit failed")
            self._finish(job_list=group, error=exc)
            return
        self._finish(job_list=group, counts=counts)

    def _insert(self, group: list[_Job]) -> list[int]:
        started = time.perf_counter()
        batches = [job.batch for job in group if job.batch]
        ids = list(range(self._next_batch_id, self._next_batch_id + len(batches)))
        try:
            committed = self._transaction(batches, ids, optimistic=True)
        except duckdb.ConstraintException:
            committed = self._transaction(batches, ids, optimistic=False)
        self._next_batch_id = ids[-1] + 1 if ids else self._next_batch_id
        self._record_latency(time.perf_counter() - started)
        return [c.inserted for c in committed]

    def _transaction(
        self, batches: list[IngestBatch], ids: list[int], *, optimistic: bool
    ) -> list[CommittedBatch]:
        self._con.execute("BEGIN")
        try:
            inserted = self._insert_rows(batches, ids, optimistic)
            committed = [
                CommittedBatch(
                    batch_id, b.project, b.key_id, b.table.num_rows, inserted[batch_id], b.derived
                )
                for b, batch_id in zip(batches, ids, strict=True)
            ]
            self._insert_batches(committed)
            for hook in self._hooks:
                hook(self._con, committed)
            self._con.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        finally:  # after COMMIT/ROLLBACK: an aborted transaction refuses even unregister()
            with contextlib.suppress(duckdb.Error):
                self._con.unregister("batch_rows")
        return committed

    def _insert_rows(
        self, batches: list[IngestBatch], ids: list[int], optimistic: bool
    ) -> dict[int, int]:
        """Rows inserted per batch id; conflicts (already stored spans) are not counted."""
        rows = pa.concat_tables(
            b.table.select(_ROW_COLUMNS).append_column(
                "batch_id", pa.array([batch_id] * b.table.num_rows, pa.int64())
            )
            for b, batch_id in zip(batches, ids, strict=True)
        )
        self._con.register("batch_rows", rows)
        if optimistic:  # a duplicate raises ConstraintException: nothing half-inserted
            self._con.execute(_INSERT_SQL)
            return {i: b.table.num_rows for b, i in zip(batches, ids, strict=True)}
        kept = Counter(row[0] for row in self._con.execute(_INSERT_NEW_SQL).fetchall())
        return {batch_id: kept.get(batch_id, 0) for batch_id in ids}

    def _insert_batches(self, committed: list[CommittedBatch]) -> None:
        values = ", ".join([_BATCH_VALUES] * len(committed))
        params = [v for c in committed for v in (c.batch_id, c.project, c.key_id, c.inserted)]
        self._con.execute(f"INSERT INTO ingest_batches VALUES {values}", params)

    def _rollback(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self._con.execute("ROLLBACK")

    def _record_latency(self, seconds: float) -> None:
        self.commit_seconds.append(seconds)
        if len(self.commit_seconds) > 1024:
            del self.commit_seconds[:512]

    def _finish(
        self, job_list: list[_Job], counts: list[int] | None = None, error: Exception | None = None
    ) -> None:
        for i, job in enumerate(job_list):
            self._ingest_slots.release()
            with self._lock:
                self._pending -= 1
            if error is not None:
                job.future.set_exception(error)
            else:
                job.future.set_result(counts[i] if counts else 0)
