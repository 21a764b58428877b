"""Ingest preparation in worker processes, so `serve` uses every core.

Decoding, normalizing and hashing a request is pure Python (~150 µs of CPU a span), and in one
process the GIL runs it on one core however many request threads wait: measured, `serve` used
1.0 of 2 cores at its ingest ceiling. Worker processes do that work on the other cores and hand
back the batch as Arrow IPC plus its audit digest; the main process keeps HTTP, metrics and the
single writer. Workers are spawned, never forked: the parent has DuckDB and server threads.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pyarrow as pa

from collector.audit.digest import KEY as AUDIT_KEY
from collector.audit.digest import BatchDigest, digest_table
from collector.errors import BadRequestError, PayloadTooLargeError, UnsupportedMediaError
from collector.ingest import Prepared, PrepareOptions, prepare_payload
from collector.store import IngestBatch

_ERRORS = {
    cls.__name__: cls for cls in (BadRequestError, PayloadTooLargeError, UnsupportedMediaError)
}
_options: PrepareOptions | None = None


@dataclass(frozen=True, slots=True)
class _Result:
    """What crosses back from a worker: plain values and IPC bytes, cheap to pickle."""

    table: bytes | None
    audit_rows: bytes | None
    audit_digest: str | None
    accepted: int
    rejected: int
    message: str
    error: tuple[str, str] | None = None


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _table(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(data).read_all()


def _init(options: PrepareOptions) -> None:
    global _options
    _options = options


def _work(body: bytes, kind: str, encoding: str | None, project: str, key_id: str | None
          ) -> _Result:  # fmt: skip
    assert _options is not None
    try:
        prepared = prepare_payload(body, kind, encoding, project, key_id, _options)
    except tuple(_ERRORS.values()) as exc:
        return _Result(None, None, None, 0, 0, "", (type(exc).__name__, str(exc)))
    if prepared.batch is None:
        return _Result(None, None, None, 0, prepared.rejected, prepared.message)
    digest = digest_table(prepared.batch.table)
    return _Result(
        _ipc(prepared.batch.table), _ipc(digest.rows), digest.rows_sha256,
        prepared.accepted, prepared.rejected, prepared.message,
    )  # fmt: skip


def _ready() -> bool:
    return _options is not None


class PreparePool:
    """Spawns its workers at once; until they have started (~2 s of imports each), `ready` is
    False and the caller prepares in its own process, so no request waits on a spawn."""

    def __init__(self, options: PrepareOptions, workers: int) -> None:
        self.size = workers
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init,
            initargs=(options,),
        )
        self._warm = [self._pool.submit(_ready) for _ in range(workers)]

    @property
    def ready(self) -> bool:
        """Every worker has started (a worker that failed to start never makes it ready)."""
        return all(f.done() and f.exception() is None for f in self._warm)

    def prepare(self, body: bytes, kind: str, encoding: str | None, project: str,
                key_id: str | None) -> Prepared:  # fmt: skip
        """Blocks the calling (request) thread until a worker has prepared the payload."""
        result = self._pool.submit(_work, body, kind, encoding, project, key_id).result()
        if result.error is not None:
            name, message = result.error
            raise _ERRORS[name](message)
        if result.table is None:
            return Prepared(None, 0, result.rejected, result.message)
        batch = IngestBatch(project, key_id, _table(result.table))
        assert result.audit_rows is not None and result.audit_digest is not None
        batch.derived[AUDIT_KEY] = BatchDigest(_table(result.audit_rows), result.audit_digest)
        return Prepared(batch, result.accepted, result.rejected, result.message)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
