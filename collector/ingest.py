"""The ingest path: bytes off the wire -> redacted canonical rows -> committed in the store.

Kept apart from the HTTP route so it can be driven directly by tests and benchmarks.
Order matters for privacy: spans are redacted right after decoding, before normalization and
before anything reaches the writer, so raw content never touches disk.
"""

from __future__ import annotations

import functools
import logging
import zlib
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from collector import otlp
from collector.errors import BadRequestError, PayloadTooLargeError, UnsupportedMediaError
from collector.metrics import CollectorMetrics
from collector.normalize import ROW_FIELDS, to_row
from collector.server_redaction import has_raw_content, redact_spans
from collector.settings import Settings
from collector.store import IngestBatch, Store
from collector.store.arrow_rows import rows_to_table
from instrument.redaction import RedactionConfig, get_redactor, load_redaction_config

if TYPE_CHECKING:
    from collector.ingest_pool import PreparePool

log = logging.getLogger(__name__)
PROTOBUF = "application/x-protobuf"
JSON = "application/json"


@dataclass(frozen=True, slots=True)
class PrepareOptions:
    """The settings `prepare_payload` needs (plain values: they are sent to worker processes)."""

    max_decompressed_bytes: int
    allow_unredacted_projects: frozenset[str]
    redaction_config: str | None


@dataclass(slots=True)
class Prepared:
    batch: IngestBatch | None
    accepted: int
    rejected: int
    message: str


def media_type(content_type: str | None) -> str:
    base = (content_type or "").split(";")[0].strip().lower()
    if base not in (PROTOBUF, JSON):
        raise UnsupportedMediaError(
            f"unsupported Content-Type {content_type!r}; send {PROTOBUF} or {JSON}"
        )
    return base


def decompress(body: bytes, encoding: str | None, limit: int) -> bytes:
    """Inflate gzip/deflate without ever holding more than `limit` bytes (gzip-bomb safe)."""
    enc = (encoding or "identity").strip().lower()
    if enc in ("", "identity"):
        return body
    if enc not in ("gzip", "deflate"):
        raise UnsupportedMediaError(f"unsupported Content-Encoding {encoding!r}")
    wbits = 16 + zlib.MAX_WBITS if enc == "gzip" else zlib.MAX_WBITS
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BadRequestError(f"body is not valid {enc}: {exc}") from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise PayloadTooLargeError(f"decompressed body exceeds {limit} bytes")
    return out


FULL_CAPTURE = "tracevault.capture_content"


def _needs_redaction(span: otlp.RawSpan, allow_full: bool) -> bool:
    if allow_full and span.attributes.get(FULL_CAPTURE) == "full":
        return False  # the project opted in to raw content from SDKs set to capture it
    return has_raw_content(span.attributes, span.events)


def _redact_raw_content(
    spans: list[otlp.RawSpan], allow_full: bool, config: RedactionConfig | None
) -> None:
    """Redact content of spans not already redacted by our SDK, in one redactor batch."""
    raw = [s for s in spans if _needs_redaction(s, allow_full)]
    if not raw:
        return  # the common case (our SDK already redacted): Presidio is not even loaded
    counts = redact_spans([(s.attributes, s.events) for s in raw], get_redactor(config))
    for span, found in zip(raw, counts, strict=True):
        span.attributes["tracevault.redaction.by"] = "tracevault-collector"
        for entity, n in found.items():
            span.attributes[f"tracevault.redaction.entities.{entity}"] = n


_METRIC_FIELDS = (
    "operation", "request_model", "response_model", "duration_ms", "input_tokens", "output_tokens"
)  # fmt: skip
_ROW_INDEX = tuple(ROW_FIELDS.index(name) for name in _METRIC_FIELDS)


def observe_rows(
    metrics: CollectorMetrics, rows: list[tuple[Any, ...]], index: tuple[int, ...] = _ROW_INDEX
) -> None:
    """`CollectorMetrics.observe_records` for rows, a histogram child per model not per span
    (`labels()` was most of the ~10 µs per span that per-record observing cost). `index` gives
    the positions of `_METRIC_FIELDS` in a row."""
    op, request, response, duration_at, input_at, output_at = index
    by_model: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        model = row[request] or row[response]
        if model and row[op] == "chat":
            by_model.setdefault(model, []).append(row)
    for model, chats in by_model.items():
        duration = metrics.op_duration.labels("chat", model)
        tokens_in = metrics.token_usage.labels("input", model)
        tokens_out = metrics.token_usage.labels("output", model)
        for row in chats:
            if row[duration_at] is not None:
                duration.observe(row[duration_at] / 1000)
            if row[input_at] is not None:
                tokens_in.observe(row[input_at])
            if row[output_at] is not None:
                tokens_out.observe(row[output_at])


def observe_table(metrics: CollectorMetrics, table: pa.Table) -> None:
    """`observe_rows` over the batch's Arrow columns (all a worker process hands back)."""
    columns = [table.column(name).to_pylist() for name in _METRIC_FIELDS]
    observe_rows(metrics, list(zip(*columns, strict=True)), tuple(range(len(_METRIC_FIELDS))))


def prepare_payload(
    body: bytes,
    kind: str,
    encoding: str | None,
    project: str,
    key_id: str | None,
    options: PrepareOptions,
) -> Prepared:
    """The CPU-bound part of ingest: decode, redact, normalize, build Arrow."""
    raw = decompress(body, encoding, options.max_decompressed_bytes)
    try:
        decoded = otlp.decode_protobuf(raw) if kind == PROTOBUF else otlp.decode_json(raw)
    except otlp.OTLPDecodeError as exc:
        raise BadRequestError(f"malformed OTLP {kind} payload: {exc}") from exc
    allow_full = project in options.allow_unredacted_projects
    redaction = _redaction_config(options.redaction_config)
    _redact_raw_content(decoded.spans, allow_full, redaction)
    rows = [to_row(span, project) for span in decoded.spans]
    message = "; ".join(decoded.errors[:5])
    if not rows:
        return Prepared(None, 0, decoded.rejected, message)
    batch = IngestBatch(project, key_id, rows_to_table(rows, datetime.now(UTC)))
    return Prepared(batch, len(rows), decoded.rejected, message)


@functools.lru_cache(maxsize=4)
def _redaction_config(text: str | None) -> RedactionConfig | None:
    return load_redaction_config(text, env={})


class IngestPipeline:
    """Prepares payloads in this process or, with `ingest_workers`, in worker processes."""

    def __init__(self, settings: Settings, store: Store, metrics: CollectorMetrics) -> None:
        self._store = store
        self._metrics = metrics
        self._options = PrepareOptions(
            settings.max_decompressed_bytes,
            frozenset(settings.allow_unredacted_projects),
            settings.redaction_config,
        )
        self._workers = settings.ingest_workers
        self._pool: PreparePool | None = None

    def start(self) -> None:
        """Spawn the worker processes (by the server at start-up, not when a runtime is merely
        built: tests and tools that ingest through the store directly never need them)."""
        if self._workers > 0 and self._pool is None:
            from collector.ingest_pool import PreparePool  # imports this module

            self._pool = PreparePool(self._options, self._workers)

    def prepare(
        self, body: bytes, kind: str, encoding: str | None, project: str, key_id: str | None
    ) -> Prepared:
        """Run on a worker thread; with a pool it waits for a worker process."""
        prepared = None
        if self._pool is not None and self._pool.ready:
            try:
                prepared = self._pool.prepare(body, kind, encoding, project, key_id)
            except BrokenProcessPool:  # a worker died (OOM kill...): go on without workers
                log.exception("ingest worker pool broke; preparing in the server process")
                self._pool = None
        if prepared is None:
            prepared = prepare_payload(body, kind, encoding, project, key_id, self._options)
        if prepared.batch is not None:
            observe_table(self._metrics, prepared.batch.table)
        return prepared

    def submit(self, prepared: Prepared) -> Future[int]:
        """Hand the batch to the store; the store's batch preparers (audit hashing) run here, on
        the calling thread, so call it from a worker thread, not the event loop."""
        assert prepared.batch is not None
        return self._store.ingest(prepared.batch)

    def accept(
        self, body: bytes, kind: str, encoding: str | None, project: str, key_id: str | None
    ) -> tuple[Prepared, Future[int] | None]:
        """`prepare` then `submit`, both on the worker thread; the future resolves at COMMIT."""
        prepared = self.prepare(body, kind, encoding, project, key_id)
        return prepared, self.submit(prepared) if prepared.batch is not None else None

    def workers(self) -> dict[str, Any]:
        """For /health: worker processes running and whether they have started."""
        pool = self._pool
        return {"workers": 0 if pool is None else pool.size, "ready": pool is None or pool.ready}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
