"""The store boundary: a small protocol so a shared lakehouse can replace DuckDB later."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
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


@dataclass(slots=True)
class CommittedBatch:
    """What the writer hands to commit hooks (inside the transaction) for each batch."""

    batch_id: int
    project: str
    key_id: str | None
    span_count: int
    inserted: int


CommitHook = Callable[[duckdb.DuckDBPyConnection, list[CommittedBatch]], None]


class Store(Protocol):
    def ingest(self, batch: IngestBatch) -> Future[int]:
        """Queue a batch; the future resolves to rows inserted once committed.

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

    def close(self) -> None: ...
