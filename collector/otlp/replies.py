"""Replies to OTLP/HTTP exports: `ExportTraceServiceResponse` and `google.rpc.Status` bodies."""

from __future__ import annotations

import orjson
from google.rpc import status_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as pb


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
