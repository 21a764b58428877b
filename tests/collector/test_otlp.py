"""OTLP decoding (protobuf and hand-walked JSON), limits, bad input, and the reply encoders."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest
from google.rpc import status_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as pb
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from collector.otlp import (
    MAX_DEPTH,
    MAX_VALUE_CHARS,
    TRUNCATION_MARK,
    OTLPDecodeError,
    RawSpan,
    decode_json,
    decode_protobuf,
    encode_export_response,
    encode_status,
)
from tests.collector.conftest import capture, to_otlp_json, to_protobuf

TRACE = bytes.fromhex("0af7651916cd43dd8448eb211c80319c")
SPAN = bytes.fromhex("b7ad6b7169203331")
PARENT = bytes.fromhex("00f067aa0ba902b7")


def any_value(value: Any) -> common_pb2.AnyValue:
    if isinstance(value, bool):
        return common_pb2.AnyValue(bool_value=value)
    if isinstance(value, int):
        return common_pb2.AnyValue(int_value=value)
    if isinstance(value, float):
        return common_pb2.AnyValue(double_value=value)
    if isinstance(value, bytes):
        return common_pb2.AnyValue(bytes_value=value)
    if isinstance(value, list):
        return common_pb2.AnyValue(
            array_value=common_pb2.ArrayValue(values=[any_value(v) for v in value])
        )
    if isinstance(value, dict):
        return common_pb2.AnyValue(kvlist_value=common_pb2.KeyValueList(values=kvs(value)))
    return common_pb2.AnyValue(string_value=value)


def kvs(attrs: dict[str, Any]) -> list[common_pb2.KeyValue]:
    return [common_pb2.KeyValue(key=k, value=any_value(v)) for k, v in attrs.items()]


def pb_span(
    trace_id: bytes = TRACE,
    span_id: bytes = SPAN,
    parent: bytes = PARENT,
    attrs: dict[str, Any] | None = None,
    **extra: Any,
) -> trace_pb2.Span:
    return trace_pb2.Span(
        trace_id=trace_id,
        span_id=span_id,
        parent_span_id=parent,
        name="chat claude-haiku-4-5",
        kind=3,
        start_time_unix_nano=1_700_000_000_000_000_000,
        end_time_unix_nano=1_700_000_000_250_000_000,
        attributes=kvs(attrs or {}),
        status=trace_pb2.Status(code=2, message="boom"),
        **extra,
    )


def pb_request(*spans: trace_pb2.Span) -> bytes:
    request = pb.ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    resource_spans.resource.attributes.extend(kvs({"service.name": "agent"}))
    scope_spans = resource_spans.scope_spans.add()
    scope_spans.scope.name, scope_spans.scope.version = "tracevault", "0.1.0"
    scope_spans.spans.extend(spans)
    return request.SerializeToString()


def json_request(*spans: dict[str, Any]) -> bytes:
    return orjson.dumps(
        {
            "resourceSpans": [
                {
                    "resource": {
                        "attributes": [{"key": "service.name", "value": {"stringValue": "agent"}}]
                    },
                    "scopeSpans": [
                        {"scope": {"name": "tracevault", "version": "0.1.0"}, "spans": list(spans)}
                    ],
                }
            ]
        }
    )


def json_span(**overrides: Any) -> dict[str, Any]:
    span = {
        "traceId": TRACE.hex(),
        "spanId": SPAN.hex(),
        "parentSpanId": PARENT.hex(),
        "name": "chat claude-haiku-4-5",
        "kind": 3,
        "startTimeUnixNano": "1700000000000000000",
        "endTimeUnixNano": "1700000000250000000",
        "status": {"code": 2, "message": "boom"},
    }
    return span | overrides


ALL_TYPES = {
    "s": "text",
    "i": -42,
    "big": 2**40,
    "d": 1.5,
    "b": True,
    "raw": b"\x00\xff",
    "arr": ["a", 1],
    "kv": {"inner": {"x": 1}},
    "long": "é" * 200,
}
ALL_TYPES_PY = ALL_TYPES | {"raw": base64.b64encode(b"\x00\xff").decode()}


def test_decode_protobuf_reads_every_field_and_value_type() -> None:
    event = trace_pb2.Span.Event(time_unix_nano=5, name="exception", attributes=kvs({"k": "v"}))
    link = trace_pb2.Span.Link(trace_id=TRACE, span_id=PARENT, attributes=kvs({"l": 1}))
    result = decode_protobuf(pb_request(pb_span(attrs=ALL_TYPES, events=[event], links=[link])))
    assert (result.rejected, result.errors) == (0, [])
    assert result.spans == [
        RawSpan(
            trace_id=TRACE.hex(),
            span_id=SPAN.hex(),
            parent_span_id=PARENT.hex(),
            name="chat claude-haiku-4-5",
            kind=3,
            start_ns=1_700_000_000_000_000_000,
            end_ns=1_700_000_000_250_000_000,
            status_code=2,
            status_message="boom",
            attributes=ALL_TYPES_PY,
            events=[{"name": "exception", "time_ns": 5, "attributes": {"k": "v"}}],
            links=[{"trace_id": TRACE.hex(), "span_id": PARENT.hex(), "attributes": {"l": 1}}],
            resource={"service.name": "agent"},
            scope_name="tracevault",
            scope_version="0.1.0",
        )
    ]


def test_decode_json_matches_protobuf_for_same_hand_built_span() -> None:
    proto = decode_protobuf(pb_request(pb_span(attrs=ALL_TYPES)))
    attributes = [
        {"key": "s", "value": {"stringValue": "text"}},
        {"key": "i", "value": {"intValue": "-42"}},
        {"key": "big", "value": {"intValue": 2**40}},
        {"key": "d", "value": {"doubleValue": 1.5}},
        {"key": "b", "value": {"boolValue": True}},
        {"key": "raw", "value": {"bytesValue": base64.b64encode(b"\x00\xff").decode()}},
        {
            "key": "arr",
            "value": {"arrayValue": {"values": [{"stringValue": "a"}, {"intValue": "1"}]}},
        },
        {
            "key": "kv",
            "value": {
                "kvlistValue": {
                    "values": [
                        {
                            "key": "inner",
                            "value": {
                                "kvlistValue": {"values": [{"key": "x", "value": {"intValue": 1}}]}
                            },
                        }
                    ]
                }
            },
        },
        {"key": "long", "value": {"stringValue": "é" * 200}},
    ]
    decoded = decode_json(json_request(json_span(attributes=attributes)))
    assert decoded.spans == proto.spans


@pytest.mark.parametrize("emitter", ["native", "openinference", "openllmetry"])
def test_decode_json_matches_protobuf_for_real_sdk_spans(emitter: str) -> None:
    spans = capture(emitter)
    proto, json_ = decode_protobuf(to_protobuf(spans)), decode_json(to_otlp_json(spans))
    assert len(proto.spans) == 1
    assert json_.spans == proto.spans
    assert proto.spans[0].trace_id == format(spans[0].context.trace_id, "032x")


def test_decode_json_accepts_uppercase_ids_enum_names_and_unknown_fields() -> None:
    span = json_span(
        traceId=TRACE.hex().upper(),
        spanId=SPAN.hex().upper(),
        kind="SPAN_KIND_CLIENT",
        status={"code": "STATUS_CODE_ERROR"},
        droppedAttributesCount=3,
        flags=257,
        somethingNew={"x": 1},
    )
    [decoded] = decode_json(json_request(span)).spans
    assert (decoded.trace_id, decoded.span_id) == (TRACE.hex(), SPAN.hex())
    assert (decoded.kind, decoded.status_code, decoded.status_message) == (3, 2, "")


@pytest.mark.parametrize("parent", [b"", bytes(8)])
def test_decode_protobuf_gives_no_parent_when_empty_or_zero(parent: bytes) -> None:
    [decoded] = decode_protobuf(pb_request(pb_span(parent=parent))).spans
    assert decoded.parent_span_id is None


@pytest.mark.parametrize(
    ("trace_id", "span_id", "parent", "reason"),
    [
        (TRACE[:15], SPAN, PARENT, "invalid trace_id"),
        (bytes(16), SPAN, PARENT, "invalid trace_id"),
        (TRACE, SPAN + b"\x01", PARENT, "invalid span_id"),
        (TRACE, bytes(8), PARENT, "invalid span_id"),
        (TRACE, SPAN, PARENT[:4], "invalid parent_span_id"),
    ],
)
def test_decode_protobuf_rejects_only_span_with_bad_id(
    trace_id: bytes, span_id: bytes, parent: bytes, reason: str
) -> None:
    good = pb_span(span_id=bytes.fromhex("1111111111111111"))
    result = decode_protobuf(pb_request(good, pb_span(trace_id, span_id, parent)))
    assert (result.rejected, result.errors) == (1, [reason])
    assert [s.span_id for s in result.spans] == ["1111111111111111"]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"traceId": "zz" * 16}, "invalid traceId"),
        ({"traceId": TRACE.hex()[:30]}, "invalid traceId"),
        ({"traceId": "0" * 32}, "invalid traceId"),
        ({"spanId": base64.b64encode(SPAN).decode()}, "invalid spanId"),  # base64, not hex
        ({"spanId": 12345}, "invalid spanId"),
        ({"parentSpanId": "xyz"}, "invalid parentSpanId"),
        ({"startTimeUnixNano": "soon"}, "malformed span"),
        ({"attributes": [{"key": "k", "value": {"intValue": "9" * 30}}]}, "64-bit"),
        ({"name": ["not", "a", "string"]}, "expected a string"),
    ],
)
def test_decode_json_rejects_only_span_with_bad_field(overrides: dict, reason: str) -> None:
    result = decode_json(json_request(json_span(spanId="1" * 16), json_span(**overrides)))
    assert result.rejected == 1 and reason in result.errors[0]
    assert [s.span_id for s in result.spans] == ["1" * 16]


def test_decode_drops_links_with_bad_ids_but_keeps_span() -> None:
    links = [
        {"traceId": "nothex", "spanId": SPAN.hex()},
        {"traceId": TRACE.hex(), "spanId": PARENT.hex()},
    ]
    [decoded] = decode_json(json_request(json_span(links=links))).spans
    assert decoded.links == [{"trace_id": TRACE.hex(), "span_id": PARENT.hex(), "attributes": {}}]


def test_decode_protobuf_raises_when_body_truncated() -> None:
    body = pb_request(pb_span(attrs={"gen_ai.input.messages": "x" * 500}))
    with pytest.raises(OTLPDecodeError, match="malformed protobuf"):
        decode_protobuf(body[: len(body) // 2])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "invalid JSON"),
        (b"[]", "'request body' must be an object"),
        (b'{"resourceSpans": {}}', "'resourceSpans' must be an array"),
        (b'{"resourceSpans": [{"scopeSpans": "x"}]}', "'scopeSpans' must be an array"),
        (b'{"resourceSpans": [{"resource": {"attributes": 5}}]}', "resource attributes"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid JSON"),
    ],
)
def test_decode_json_raises_when_body_malformed(body: bytes, message: str) -> None:
    with pytest.raises(OTLPDecodeError, match=message):
        decode_json(body)


@pytest.mark.parametrize("body", [b"", b"{}", b'{"resourceSpans": []}'])
def test_decode_returns_nothing_when_request_empty(body: bytes) -> None:
    decoder = decode_json if body else decode_protobuf
    assert decoder(body).spans == [] and decoder(body).rejected == 0


def test_decode_truncates_huge_string_values_in_both_encodings() -> None:
    huge = "a" * (MAX_VALUE_CHARS + 10_000)
    expected = "a" * MAX_VALUE_CHARS + TRUNCATION_MARK
    [proto] = decode_protobuf(
        pb_request(pb_span(attrs={"big": huge, "blob": b"\x01" * 70_000}))
    ).spans
    attributes = [{"key": "big", "value": {"stringValue": huge}}]
    [json_] = decode_json(json_request(json_span(attributes=attributes))).spans
    assert proto.attributes["big"] == expected == json_.attributes["big"]
    assert proto.attributes["blob"].endswith(TRUNCATION_MARK)
    assert len(proto.attributes["blob"]) == MAX_VALUE_CHARS + len(TRUNCATION_MARK)


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


def test_decode_accepts_nesting_at_limit_and_raises_past_it() -> None:
    ok = decode_protobuf(pb_request(pb_span(attrs={"deep": _nested(MAX_DEPTH)})))
    assert ok.spans[0].attributes["deep"] == _nested(MAX_DEPTH)
    with pytest.raises(OTLPDecodeError, match="nested deeper than 16"):
        decode_protobuf(pb_request(pb_span(attrs={"deep": _nested(MAX_DEPTH + 1)})))


def test_decode_json_raises_when_attribute_nested_past_limit() -> None:
    value: Any = {"stringValue": "leaf"}
    for _ in range(MAX_DEPTH + 1):
        value = {"arrayValue": {"values": [value]}}
    body = json_request(json_span(attributes=[{"key": "deep", "value": value}]))
    with pytest.raises(OTLPDecodeError, match="nested deeper than 16"):
        decode_json(body)


def test_decode_protobuf_rejects_span_with_invalid_utf8_attribute() -> None:
    good = pb_span(span_id=bytes.fromhex("1111111111111111"))
    body = pb_request(good, pb_span(attrs={"k": b"\xfe\xff"}))
    # Re-tag the bytes_value (field 7: 0x3A) as string_value (field 1: 0x0A), same length.
    body = body.replace(b"\x3a\x02\xfe\xff", b"\x0a\x02\xfe\xff")
    result = decode_protobuf(body)
    assert (result.rejected, result.errors) == (1, ["attribute string is not valid UTF-8"])
    assert [s.span_id for s in result.spans] == ["1111111111111111"]


def test_encode_export_response_leaves_partial_success_unset_when_all_accepted() -> None:
    assert encode_export_response("application/json") == b"{}"
    body = encode_export_response("application/x-protobuf")
    assert not pb.ExportTraceServiceResponse.FromString(body).HasField("partial_success")


def test_encode_export_response_reports_rejected_spans() -> None:
    json_body = encode_export_response("application/json; charset=utf-8", 2, "invalid trace_id")
    assert orjson.loads(json_body) == {
        "partialSuccess": {"rejectedSpans": "2", "errorMessage": "invalid trace_id"}
    }
    proto = pb.ExportTraceServiceResponse.FromString(
        encode_export_response("application/x-protobuf", 2, "invalid trace_id")
    )
    assert (proto.partial_success.rejected_spans, proto.partial_success.error_message) == (
        2,
        "invalid trace_id",
    )


def test_encode_status_writes_google_rpc_status_in_both_encodings() -> None:
    assert orjson.loads(encode_status("application/json", 3, "bad")) == {
        "code": 3,
        "message": "bad",
    }
    status = status_pb2.Status.FromString(encode_status("application/x-protobuf", 3, "bad"))
    assert (status.code, status.message) == (3, "bad")
