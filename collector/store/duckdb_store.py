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
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from collector.errors import BackpressureError, StoreClosedError
from collector.schema import FIELD_NAMES
from collector.store.base import (
    CommitHook,
    CommittedBatch,
    IngestBatch,
    ReadFn,
    T,
    WriteFn,
)
from collector.store.migrations import apply_migrations

log = logging.getLogger(__name__)

_INSERT_SQL = (
    "INSERT INTO spans SELECT (key_hi::UHUGEINT << 64) | key_lo::UHUGEINT, ?, "
    + ", ".join(FIELD_NAMES)
    + " FROM batch_rows ON CONFLICT DO NOTHING"
)


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
        first_id = self._next_batch_id
        self._con.execute("BEGIN")
        try:
            committed = [
                self._insert_one(job.batch, first_id + i)
                for i, job in enumerate(group)
                if job.batch
            ]
            for hook in self._hooks:
                hook(self._con, committed)
            self._con.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        self._next_batch_id = first_id + len(committed)
        self._record_latency(time.perf_counter() - started)
        return [c.inserted for c in committed]

    def _insert_one(self, batch: IngestBatch, batch_id: int) -> CommittedBatch:
        self._con.register("batch_rows", batch.table)
        try:
            row = self._con.execute(_INSERT_SQL, [batch_id]).fetchone()
        finally:
            self._con.unregister("batch_rows")
        inserted = int(row[0]) if row else 0  # DuckDB returns rows inserted, conflicts excluded
        self._con.execute(
            "INSERT INTO ingest_batches VALUES (?, ?, ?, ?, now())",
            [batch_id, batch.project, batch.key_id, inserted],
        )
        return CommittedBatch(batch_id, batch.project, batch.key_id, batch.table.num_rows, inserted)

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
