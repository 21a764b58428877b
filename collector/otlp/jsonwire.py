"""OTLP/JSON `ExportTraceServiceRequest` -> `RawSpan`s, walked by hand.

Not protobuf's `json_format`: it reads the hex trace/span ids as base64 and silently yields
wrong ids. OTLP/JSON writes 64-bit integers as strings or numbers and enums as integers or names.
"""

from __future__ import annotations

from typing import Any

import orjson

from collector.otlp.model import (
    MAX_DEPTH,
    DecodeResult,
    OTLPDecodeError,
    RawSpan,
    SpanError,
    cap,
    too_deep,
)

_INT64 = (-(2**63), 2**63 - 1)
_JSON_KINDS = {
    f"SPAN_KIND_{n}": i
    for i, n in enumerate(("UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"))
}
_JSON_STATUS = {"STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2}


def _json_int(value: Any) -> int:
    # OTLP/JSON writes 64-bit integers as decimal strings or numbers.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SpanError(f"expected an integer, got {type(value).__name__}")
    number = int(value)
    if not _INT64[0] <= number <= _INT64[1]:
        raise SpanError("integer out of 64-bit range")
    return number


def _json_value(value: Any, depth: int) -> Any:
    if not isinstance(value, dict):
        raise SpanError("attribute value must be an object")
    if "stringValue" in value:
        return cap(_json_str(value["stringValue"]))
    if "intValue" in value:
        return _json_int(value["intValue"])
    if "doubleValue" in value:
        return float(value["doubleValue"])  # also "NaN", "Infinity" strings
    if "boolValue" in value:
        return value["boolValue"] is True
    if "arrayValue" in value or "kvlistValue" in value:
        if depth >= MAX_DEPTH:
            raise too_deep()
        if "arrayValue" in value:
            values = (value["arrayValue"] or {}).get("values") or ()
            return [_json_value(v, depth + 1) for v in values]
        return _json_attrs((value["kvlistValue"] or {}).get("values"), depth + 1)
    if "bytesValue" in value:
        return cap(_json_str(value["bytesValue"]))  # already base64 in OTLP/JSON
    return None


def _json_str(value: Any) -> str:
    if not isinstance(value, str):
        raise SpanError(f"expected a string, got {type(value).__name__}")
    return value


def _json_attrs(kvs: Any, depth: int = 0) -> dict[str, Any]:
    if not kvs:
        return {}
    if not isinstance(kvs, list):
        raise SpanError("attributes must be an array")
    return {_json_str(kv["key"]): _json_value(kv.get("value") or {}, depth) for kv in kvs}


def _json_id(value: Any, nbytes: int, what: str) -> str:
    if not isinstance(value, str) or len(value) != 2 * nbytes:
        raise SpanError(f"invalid {what}")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise SpanError(f"invalid {what}") from None
    if len(raw) != nbytes or not any(raw):
        raise SpanError(f"invalid {what}")
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
        except SpanError:
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
