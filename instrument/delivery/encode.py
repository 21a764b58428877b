"""OTLP protobuf bodies: encode a batch of SDK spans, and stamp drop counts onto a batch."""

from __future__ import annotations

import gzip as gzip_mod
from collections.abc import Mapping, Sequence

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.sdk.trace import ReadableSpan

__all__ = ["DROPPED_ATTRIBUTE", "annotate_drops", "encode_batch", "span_ids"]

# On the first span of the next delivered batch: spans lost since the previous report.
DROPPED_ATTRIBUTE = "tracevault.delivery.dropped_spans"
_GZIP_LEVEL = 1  # spans are repetitive text: level 1 already shrinks them well, for little CPU


def encode_batch(spans: Sequence[ReadableSpan], gzip: bool) -> bytes:
    body = encode_spans(spans).SerializeToString()
    return gzip_mod.compress(body, _GZIP_LEVEL, mtime=0) if gzip else body


def decode_body(body: bytes, gzip: bool) -> ExportTraceServiceRequest:
    request = ExportTraceServiceRequest()
    request.ParseFromString(gzip_mod.decompress(body) if gzip else body)
    return request


def annotate_drops(body: bytes, gzip: bool, dropped: Mapping[str, int]) -> bytes:
    """`body` with `tracevault.delivery.dropped_spans` (total) and `...dropped_spans.<reason>`
    added to its first span. Only runs after a loss, so re-encoding here costs nothing usually."""
    request = decode_body(body, gzip)
    first = _first_span(request)
    if first is None:
        return body
    total = sum(dropped.values())
    first.attributes.append(KeyValue(key=DROPPED_ATTRIBUTE, value=AnyValue(int_value=total)))
    for reason, count in sorted(dropped.items()):
        if count:
            key = f"{DROPPED_ATTRIBUTE}.{reason}"
            first.attributes.append(KeyValue(key=key, value=AnyValue(int_value=count)))
    out = request.SerializeToString()
    return gzip_mod.compress(out, _GZIP_LEVEL, mtime=0) if gzip else out


def span_ids(body: bytes, gzip: bool) -> list[tuple[str, str]]:
    """(trace_id, span_id) hex pairs in a body, in order (used by tests and tools)."""
    request = decode_body(body, gzip)
    return [
        (span.trace_id.hex(), span.span_id.hex())
        for resource in request.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]


def _first_span(request: ExportTraceServiceRequest):  # -> Span | None
    for resource in request.resource_spans:
        for scope in resource.scope_spans:
            if scope.spans:
                return scope.spans[0]
    return None
