"""Decode OTLP/HTTP trace payloads (protobuf and JSON) into `RawSpan`s; encode the replies.

This is the ingest hot path, so both decoders walk the payload once with no per-span
allocation beyond the span itself. OTLP/JSON is walked by hand because protobuf's
`json_format` reads the hex trace/span ids as base64 and silently yields wrong ids.

Limits: a string or bytes attribute value over `MAX_VALUE_CHARS` is cut and marked with
`TRUNCATION_MARK`; an attribute value nested deeper than `MAX_DEPTH` makes the whole body
malformed. A span with a bad id (wrong length, not hex, all zero) or a badly typed field is
rejected on its own and counted in `DecodeResult.rejected` (OTLP partial success).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import orjson
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError
from google.rpc import status_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as pb
from opentelemetry.proto.common.v1.common_pb2 import AnyValue as _AnyValue

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

MAX_VALUE_CHARS = 64 * 1024
MAX_DEPTH = 16
TRUNCATION_MARK = "…[truncated]"
_MAX_ERRORS = 10  # distinct rejection reasons kept for the partial-success message
_ZERO_TRACE = bytes(16)
_ZERO_SPAN = bytes(8)
_INT64 = (-(2**63), 2**63 - 1)
_JSON_KINDS = {
    f"SPAN_KIND_{n}": i
    for i, n in enumerate(("UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"))
}
_JSON_STATUS = {"STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2}


class OTLPDecodeError(ValueError):
    """The body as a whole is malformed: answer 400, store nothing."""


class _SpanError(ValueError):
    """One span is unusable: reject it, keep the others."""


@dataclass(slots=True)
class RawSpan:
    trace_id: str  # 32 lowercase hex
    span_id: str  # 16 lowercase hex
    parent_span_id: str | None
    name: str
    kind: int
    start_ns: int
    end_ns: int
    status_code: int
    status_message: str
    attributes: dict[str, Any]
    events: list[dict[str, Any]]  # {"name", "time_ns", "attributes"}
    links: list[dict[str, Any]]  # {"trace_id", "span_id", "attributes"}
    resource: dict[str, Any]  # shared by the spans of one resource: treat as read-only
    scope_name: str
    scope_version: str


@dataclass(slots=True)
class DecodeResult:
    spans: list[RawSpan] = field(default_factory=list)
    rejected: int = 0
    errors: list[str] = field(default_factory=list)

    def reject(self, reason: str) -> None:
        self.rejected += 1
        if len(self.errors) < _MAX_ERRORS and reason not in self.errors:
            self.errors.append(reason)


def _cap(text: str) -> str:
    if len(text) <= MAX_VALUE_CHARS:
        return text
    return text[:MAX_VALUE_CHARS] + TRUNCATION_MARK


def _too_deep() -> OTLPDecodeError:
    return OTLPDecodeError(f"attribute value nested deeper than {MAX_DEPTH} levels")


# ---------------------------------------------------------------- protobuf
# Walking attributes through protobuf's AnyValue wrappers costs ~1 µs each (measured: ~34k
# spans/s for 16-attribute spans). So the request is parsed with a private schema that is
# wire-identical to OTLP except that every attribute list is a `map<string, bytes>`: a KeyValue
# is exactly a map entry on the wire, upb builds the dict, and the common AnyValue cases
# (a string, a small int) are read from the raw bytes; anything else goes through AnyValue.

_F = descriptor_pb2.FieldDescriptorProto
_SCHEMA = {  # message: [(field, number, type, repeated, message type)]
    "Status": [("message", 2, _F.TYPE_STRING, 0, ""), ("code", 3, _F.TYPE_INT32, 0, "")],
    "Event": [
        ("time_unix_nano", 1, _F.TYPE_FIXED64, 0, ""),
        ("name", 2, _F.TYPE_STRING, 0, ""),
        ("attributes", 3, 0, 1, "*"),
    ],
    "Link": [
        ("trace_id", 1, _F.TYPE_BYTES, 0, ""),
        ("span_id", 2, _F.TYPE_BYTES, 0, ""),
        ("attributes", 4, 0, 1, "*"),
    ],
    "Span": [
        ("trace_id", 1, _F.TYPE_BYTES, 0, ""),
        ("span_id", 2, _F.TYPE_BYTES, 0, ""),
        ("parent_span_id", 4, _F.TYPE_BYTES, 0, ""),
        ("name", 5, _F.TYPE_STRING, 0, ""),
        ("kind", 6, _F.TYPE_INT32, 0, ""),
        ("start_time_unix_nano", 7, _F.TYPE_FIXED64, 0, ""),
        ("end_time_unix_nano", 8, _F.TYPE_FIXED64, 0, ""),
        ("attributes", 9, 0, 1, "*"),
        ("events", 11, 0, 1, "Event"),
        ("links", 13, 0, 1, "Link"),
        ("status", 15, 0, 0, "Status"),
    ],
    "Scope": [("name", 1, _F.TYPE_STRING, 0, ""), ("version", 2, _F.TYPE_STRING, 0, "")],
    "ScopeSpans": [("scope", 1, 0, 0, "Scope"), ("spans", 2, 0, 1, "Span")],
    "Resource": [("attributes", 1, 0, 1, "*")],
    "ResourceSpans": [("resource", 1, 0, 0, "Resource"), ("scope_spans", 2, 0, 1, "ScopeSpans")],
    "Request": [("resource_spans", 1, 0, 1, "ResourceSpans")],
}


def _build_request_class() -> Any:
    file = descriptor_pb2.FileDescriptorProto(
        name="tracevault_otlp_fast.proto", package="tvotlp", syntax="proto3"
    )
    for name, fields in _SCHEMA.items():
        message = file.message_type.add(name=name)
        for fname, number, ftype, repeated, target in fields:
            label = _F.LABEL_REPEATED if repeated else _F.LABEL_OPTIONAL
            field_ = message.field.add(name=fname, number=number, label=label)
            if target == "*":  # attributes: map<string, bytes> via a nested map-entry type
                entry = message.nested_type.add(name="AttributesEntry")
                entry.options.map_entry = True
                entry.field.add(name="key", number=1, type=_F.TYPE_STRING, label=_F.LABEL_OPTIONAL)
                entry.field.add(name="value", number=2, type=_F.TYPE_BYTES, label=_F.LABEL_OPTIONAL)
                target = f"{name}.AttributesEntry"
            if target:
                field_.type, field_.type_name = _F.TYPE_MESSAGE, f".tvotlp.{target}"
            else:
                field_.type = ftype
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("tvotlp.Request"))


_FastRequest = _build_request_class()


def _pb_value(value: Any, depth: int) -> Any:
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return _cap(value.string_value)
    if kind == "int_value" or kind == "bool_value" or kind == "double_value":
        return getattr(value, kind)
    if kind == "array_value" or kind == "kvlist_value":
        if depth >= MAX_DEPTH:
            raise _too_deep()
        if kind == "array_value":
            return [_pb_value(v, depth + 1) for v in value.array_value.values]
        return {kv.key: _pb_value(kv.value, depth + 1) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        return _cap(base64.b64encode(value.bytes_value).decode("ascii"))
    return None  # unset, or a profiles-only dictionary index


def _raw_value(raw: bytes) -> Any:
    """An AnyValue from its wire bytes: tag 0x0A is string_value, 0x18 int_value (varint).

    Fast-path strings have a 1-2 byte length (< 16 KiB), so they never need `_cap`.
    """
    size = len(raw)
    if size > 1:
        tag, first = raw[0], raw[1]
        if tag == 0x0A:
            if first < 0x80:
                if size == first + 2:
                    return raw[2:].decode()
            elif size > 2 and raw[2] < 0x80 and size == ((first & 0x7F) | raw[2] << 7) + 3:
                return raw[3:].decode()
        elif tag == 0x18:
            if size == 2 and first < 0x80:
                return first
            if size == 3 and first >= 0x80 and raw[2] < 0x80:
                return (first & 0x7F) | raw[2] << 7
    elif not size:
        return None
    try:
        return _pb_value(_AnyValue.FromString(raw), 0)
    except DecodeError as exc:
        raise _SpanError(f"malformed attribute value: {exc}") from None


def _pb_attrs(attributes: Any) -> dict[str, Any]:
    try:
        return {key: _raw_value(raw) for key, raw in attributes.items()}
    except UnicodeDecodeError:
        raise _SpanError("attribute string is not valid UTF-8") from None


def _pb_ids(span: Any) -> tuple[str, str, str | None]:
    trace_id, span_id, parent = span.trace_id, span.span_id, span.parent_span_id
    if len(trace_id) != 16 or trace_id == _ZERO_TRACE:
        raise _SpanError("invalid trace_id")
    if len(span_id) != 8 or span_id == _ZERO_SPAN:
        raise _SpanError("invalid span_id")
    if parent and len(parent) != 8:
        raise _SpanError("invalid parent_span_id")
    return trace_id.hex(), span_id.hex(), parent.hex() if parent and parent != _ZERO_SPAN else None


def _pb_links(links: Any) -> list[dict[str, Any]]:
    return [
        {
            "trace_id": link.trace_id.hex(),
            "span_id": link.span_id.hex(),
            "attributes": _pb_attrs(link.attributes),
        }
        for link in links
        if len(link.trace_id) == 16 and len(link.span_id) == 8  # a bad link is dropped
    ]


def _pb_span(span: Any, resource: dict[str, Any], scope: Any) -> RawSpan:
    trace_id, span_id, parent = _pb_ids(span)
    events = (
        [
            {"name": e.name, "time_ns": e.time_unix_nano, "attributes": _pb_attrs(e.attributes)}
            for e in span.events
        ]
        if len(span.events)
        else []
    )
    status = span.status
    return RawSpan(
        trace_id,
        span_id,
        parent,
        span.name,
        span.kind,
        span.start_time_unix_nano,
        span.end_time_unix_nano,
        status.code,
        status.message,
        _pb_attrs(span.attributes),
        events,
        _pb_links(span.links) if len(span.links) else [],
        resource,
        scope.name,
        scope.version,
    )


def decode_protobuf(body: bytes) -> DecodeResult:
    """Decode an `ExportTraceServiceRequest` in protobuf binary encoding."""
    try:
        request = _FastRequest.FromString(body)
    except (DecodeError, RecursionError) as exc:
        raise OTLPDecodeError(f"malformed protobuf ExportTraceServiceRequest: {exc}") from None
    result = DecodeResult()
    for resource_spans in request.resource_spans:
        try:
            resource = _pb_attrs(resource_spans.resource.attributes)
        except _SpanError as exc:
            raise OTLPDecodeError(f"malformed resource attributes: {exc}") from None
        for scope_spans in resource_spans.scope_spans:
            scope = scope_spans.scope
            for span in scope_spans.spans:
                try:
                    result.spans.append(_pb_span(span, resource, scope))
                except _SpanError as exc:
                    result.reject(str(exc))
    return result


# ---------------------------------------------------------------- JSON


def _json_int(value: Any) -> int:
    # OTLP/JSON writes 64-bit integers as decimal strings or numbers.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _SpanError(f"expected an integer, got {type(value).__name__}")
    number = int(value)
    if not _INT64[0] <= number <= _INT64[1]:
        raise _SpanError("integer out of 64-bit range")
    return number


def _json_value(value: Any, depth: int) -> Any:
    if not isinstance(value, dict):
        raise _SpanError("attribute value must be an object")
    if "stringValue" in value:
        return _cap(_json_str(value["stringValue"]))
    if "intValue" in value:
        return _json_int(value["intValue"])
    if "doubleValue" in value:
        return float(value["doubleValue"])  # also "NaN", "Infinity" strings
    if "boolValue" in value:
        return value["boolValue"] is True
    if "arrayValue" in value or "kvlistValue" in value:
        if depth >= MAX_DEPTH:
            raise _too_deep()
        if "arrayValue" in value:
            values = (value["arrayValue"] or {}).get("values") or ()
            return [_json_value(v, depth + 1) for v in values]
        return _json_attrs((value["kvlistValue"] or {}).get("values"), depth + 1)
    if "bytesValue" in value:
        return _cap(_json_str(value["bytesValue"]))  # already base64 in OTLP/JSON
    return None


def _json_str(value: Any) -> str:
    if not isinstance(value, str):
        raise _SpanError(f"expected a string, got {type(value).__name__}")
    return value


def _json_attrs(kvs: Any, depth: int = 0) -> dict[str, Any]:
    if not kvs:
        return {}
    if not isinstance(kvs, list):
        raise _SpanError("attributes must be an array")
    return {_json_str(kv["key"]): _json_value(kv.get("value") or {}, depth) for kv in kvs}


def _json_id(value: Any, nbytes: int, what: str) -> str:
    if not isinstance(value, str) or len(value) != 2 * nbytes:
        raise _SpanError(f"invalid {what}")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise _SpanError(f"invalid {what}") from None
    if len(raw) != nbytes or not any(raw):
        raise _SpanError(f"invalid {what}")
    return value.lower()


def _json_enum(value: Any, names: dict[str, int]) -> int:
    if isinstance(value, str) and value in names:
        return names[value]
    return _json_int(value) if value is not None else 0


def _json_links(links: Any) -> list[dict[str, Any]]:
    out = []
    for link in links or ():
        try:
            out.append(
                {
                    "trace_id": _json_id(link.get("traceId"), 16, "link traceId"),
                    "span_id": _json_id(link.get("spanId"), 8, "link spanId"),
                    "attributes": _json_attrs(link.get("attributes")),
                }
            )
        except _SpanError:
            continue  # a bad link is dropped, as in the protobuf path
    return out


def _json_span(span: Any, resource: dict[str, Any], scope: dict[str, Any]) -> RawSpan:
    parent = span.get("parentSpanId")
    status = span.get("status") or {}
    events = [
        {
            "name": _json_str(e.get("name", "")),
            "time_ns": _json_int(e.get("timeUnixNano", 0)),
            "attributes": _json_attrs(e.get("attributes")),
        }
        for e in span.get("events") or ()
    ]
    return RawSpan(
        _json_id(span.get("traceId"), 16, "traceId"),
        _json_id(span.get("spanId"), 8, "spanId"),
        None if not parent or parent.strip("0") == "" else _json_id(parent, 8, "parentSpanId"),
        _json_str(span.get("name", "")),
        _json_enum(span.get("kind"), _JSON_KINDS),
        _json_int(span.get("startTimeUnixNano", 0)),
        _json_int(span.get("endTimeUnixNano", 0)),
        _json_enum(status.get("code"), _JSON_STATUS),
        _json_str(status.get("message", "")),
        _json_attrs(span.get("attributes")),
        events,
        _json_links(span.get("links")),
        resource,
        _json_str(scope.get("name", "")),
        _json_str(scope.get("version", "")),
    )


def _json_list(container: dict[str, Any], *keys: str) -> list[Any]:
    for key in keys:
        value = container.get(key)
        if value is not None:
            if not isinstance(value, list):
                raise OTLPDecodeError(f"'{key}' must be an array")
            return value
    return []


def _json_object(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise OTLPDecodeError(f"'{what}' must be an object")
    return value


def _json_scope_spans(scope_spans: Any, resource: dict[str, Any], result: DecodeResult) -> None:
    scope_spans = _json_object(scope_spans, "scopeSpans[]")
    # "instrumentationLibrary*" are the pre-1.0 OTLP names some old emitters still send.
    scope = _json_object(
        scope_spans.get("scope") or scope_spans.get("instrumentationLibrary"), "scope"
    )
    for span in _json_list(scope_spans, "spans"):
        try:
            result.spans.append(_json_span(_json_object(span, "spans[]"), resource, scope))
        except OTLPDecodeError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            result.reject(f"malformed span: {exc}")


def _json_resource(resource_spans: dict[str, Any]) -> dict[str, Any]:
    try:
        resource = _json_object(resource_spans.get("resource"), "resource")
        return _json_attrs(resource.get("attributes"))
    except OTLPDecodeError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise OTLPDecodeError(f"malformed resource attributes: {exc}") from None


def decode_json(body: bytes) -> DecodeResult:
    """Decode an `ExportTraceServiceRequest` in OTLP/JSON encoding."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:  # includes nesting past orjson's recursion limit
        raise OTLPDecodeError(f"invalid JSON: {exc}") from None
    result = DecodeResult()
    for resource_spans in _json_list(_json_object(document, "request body"), "resourceSpans"):
        resource_spans = _json_object(resource_spans, "resourceSpans[]")
        resource = _json_resource(resource_spans)
        for scope_spans in _json_list(resource_spans, "scopeSpans", "instrumentationLibrarySpans"):
            _json_scope_spans(scope_spans, resource, result)
    return result


# ---------------------------------------------------------------- replies


def _is_json(content_type: str) -> bool:
    return "json" in content_type.lower()


def encode_export_response(content_type: str, rejected: int = 0, message: str = "") -> bytes:
    """An `ExportTraceServiceResponse`; `partial_success` only when spans were rejected."""
    if _is_json(content_type):
        if not rejected:
            return b"{}"
        partial = {"rejectedSpans": str(rejected), "errorMessage": message}
        return orjson.dumps({"partialSuccess": partial})
    response = pb.ExportTraceServiceResponse()
    if rejected:
        response.partial_success.rejected_spans = rejected
        response.partial_success.error_message = message
    return response.SerializeToString()


def encode_status(content_type: str, code: int, message: str) -> bytes:
    """A `google.rpc.Status` body for 4xx/5xx replies (`code` is a gRPC status code)."""
    if _is_json(content_type):
        return orjson.dumps({"code": code, "message": message})
    return status_pb2.Status(code=code, message=message).SerializeToString()
