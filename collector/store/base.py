"""The store boundary: a small protocol so a shared lakehouse can replace DuckDB later."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import duckdb
import pyarrow as pa

T = TypeVar("T")
WriteFn = Callable[[duckdb.DuckDBPyConnection], T]
ReadFn = Callable[[duckdb.DuckDBPyConnection], T]


@dataclass(slots=True)
class IngestBatch:
    """One request's spans for one project, as an Arrow table of canonical rows."""

    project: str
    key_id: str | None
    table: pa.Table
    # What batch preparers derived from `table` on the submitting thread (e.g. audit digests),
    # so the writer's transaction only stores it.
    derived: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(slots=True)
class CommittedBatch:
    """What the writer hands to commit hooks (inside the transaction) for each batch."""

    batch_id: int
    project: str
    key_id: str | None
    span_count: int
    inserted: int
    derived: dict[str, Any] = field(default_factory=dict, compare=False)


CommitHook = Callable[[duckdb.DuckDBPyConnection, list[CommittedBatch]], None]
# Runs on the thread that calls `ingest`, before the batch is queued: CPU work that depends only
# on the batch belongs here, where request threads run it in parallel, not on the one writer.
BatchPreparer = Callable[[IngestBatch], None]


class Store(Protocol):
    def ingest(self, batch: IngestBatch) -> Future[int]:
        """Run the batch preparers on the calling thread, then queue the batch; the future
        resolves to rows inserted once committed.

        Raises BackpressureError at once when the ingest queue is full.
        """
        ...

    def write(self, fn: WriteFn[T]) -> Future[T]:
        """Run fn on the single writer connection inside its own transaction."""
        ...

    def read(self, fn: ReadFn[T]) -> T:
        """Run fn on a read cursor of the calling thread."""
        ...

    def query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Rows as dicts; a convenience over read()."""
        ...

    def queue_depth(self) -> int: ...

    def add_commit_hook(self, hook: CommitHook) -> None: ...

    def add_batch_preparer(self, preparer: BatchPreparer) -> None: ...

    def close(self) -> None: ...
