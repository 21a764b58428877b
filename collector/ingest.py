"""The ingest path: bytes off the wire -> redacted canonical rows -> committed in the store.

Kept apart from the HTTP route so it can be driven directly by tests and benchmarks.
Order matters for privacy: spans are redacted right after decoding, before normalization and
before anything reaches the writer, so raw content never touches disk.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from collector import otlp
from collector.errors import BadRequestError, PayloadTooLargeError, UnsupportedMediaError
from collector.metrics import CollectorMetrics
from collector.normalize import to_record
from collector.server_redaction import has_raw_content, redact_spans
from collector.settings import Settings
from collector.store import IngestBatch, Store, records_to_table
from instrument.redaction import get_redactor

PROTOBUF = "application/x-protobuf"
JSON = "application/json"


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


def _redact_raw_content(spans: list[otlp.RawSpan]) -> None:
    """Redact content of spans not already redacted by our SDK, in one redactor batch."""
    raw = [s for s in spans if has_raw_content(s.attributes, s.events)]
    if not raw:
        return  # the common case (our SDK already redacted): Presidio is not even loaded
    counts = redact_spans([(s.attributes, s.events) for s in raw], get_redactor())
    for span, found in zip(raw, counts, strict=True):
        span.attributes["tracevault.redaction.by"] = "tracevault-collector"
        for entity, n in found.items():
            span.attributes[f"tracevault.redaction.entities.{entity}"] = n


class IngestPipeline:
    def __init__(self, settings: Settings, store: Store, metrics: CollectorMetrics) -> None:
        self._settings = settings
        self._store = store
        self._metrics = metrics

    def prepare(
        self, body: bytes, kind: str, encoding: str | None, project: str, key_id: str | None
    ) -> Prepared:
        """CPU-bound part, run in a worker thread: decode, redact, normalize, build Arrow."""
        raw = decompress(body, encoding, self._settings.max_decompressed_bytes)
        try:
            decoded = otlp.decode_protobuf(raw) if kind == PROTOBUF else otlp.decode_json(raw)
        except otlp.OTLPDecodeError as exc:
            raise BadRequestError(f"malformed OTLP {kind} payload: {exc}") from exc
        _redact_raw_content(decoded.spans)
        now = datetime.now(UTC)
        records = [to_record(span, project, now) for span in decoded.spans]
        self._metrics.observe_records(records)
        message = "; ".join(decoded.errors[:5])
        if not records:
            return Prepared(None, 0, decoded.rejected, message)
        batch = IngestBatch(project, key_id, records_to_table(records))
        return Prepared(batch, len(records), decoded.rejected, message)

    def submit(self, prepared: Prepared):  # -> Future[int]
        assert prepared.batch is not None
        return self._store.ingest(prepared.batch)
