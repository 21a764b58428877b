"""Decode OTLP/HTTP trace payloads (protobuf and JSON) into `RawSpan`s; encode the replies.

This is the ingest hot path, so both decoders walk the payload once with no per-span
allocation beyond the span itself.

Limits: a string or bytes attribute value over `MAX_VALUE_CHARS` is cut and marked with
`TRUNCATION_MARK`; an attribute value nested deeper than `MAX_DEPTH` makes the whole body
malformed. A span with a bad id (wrong length, not hex, all zero) or a badly typed field is
rejected on its own and counted in `DecodeResult.rejected` (OTLP partial success).

Modules: `model` (RawSpan, DecodeResult, limits), `protobuf`, `jsonwire`, `replies`.
"""

from collector.otlp.jsonwire import decode_json
from collector.otlp.model import (
    MAX_DEPTH,
    MAX_VALUE_CHARS,
    TRUNCATION_MARK,
    DecodeResult,
    OTLPDecodeError,
    RawSpan,
)
from collector.otlp.protobuf import decode_protobuf
from collector.otlp.replies import encode_export_response, encode_status

__all__ = [
    "MAX_DEPTH",
    "MAX_VALUE_CHARS",
    "TRUNCATION_MARK",
    "DecodeResult",
    "OTLPDecodeError",
    "RawSpan",
    "decode_json",
    "decode_protobuf",
    "encode_export_response",
    "encode_status",
]
