"""Reading the collector's answers: partial success, google.rpc.Status messages, Retry-After."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from google.rpc import status_pb2
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

from instrument.delivery.config import DeliveryConfig
from instrument.delivery.retry import Verdict
from instrument.delivery.sender import Attempt, Sender, interpret

PB = {"content-type": "application/x-protobuf"}


def test_interpret_reads_partial_success_when_200_protobuf() -> None:
    body = ExportTraceServiceResponse()
    body.partial_success.rejected_spans = 2
    body.partial_success.error_message = "span 3: bad trace id"
    attempt = interpret(httpx.Response(200, headers=PB, content=body.SerializeToString()))
    assert attempt == Attempt(Verdict.DELIVERED, 200, None, "span 3: bad trace id", 2)


def test_interpret_reads_partial_success_when_200_json() -> None:
    content = b'{"partialSuccess": {"rejectedSpans": "4", "errorMessage": "nope"}}'
    attempt = interpret(httpx.Response(200, content=content))
    assert (attempt.rejected_spans, attempt.message) == (4, "nope")


def test_interpret_reads_status_message_when_400_protobuf() -> None:
    content = status_pb2.Status(code=3, message="malformed OTLP payload").SerializeToString()
    attempt = interpret(httpx.Response(400, headers=PB, content=content))
    assert attempt == Attempt(Verdict.REJECTED, 400, None, "malformed OTLP payload", 0)


def test_interpret_reads_json_error_envelope_when_not_protobuf() -> None:
    content = b'{"error": {"status": 413, "message": "body exceeds 16 bytes"}}'
    attempt = interpret(httpx.Response(413, content=content))
    assert (attempt.verdict, attempt.message) == (Verdict.REJECTED, "body exceeds 16 bytes")


def test_interpret_keeps_retry_after_when_503() -> None:
    attempt = interpret(httpx.Response(503, headers={"Retry-After": "7"}, content=b"busy"))
    assert attempt == Attempt(Verdict.RETRY, 503, 7.0, "busy", 0)


def test_send_returns_retry_without_status_when_nothing_listens(tmp_path: Path) -> None:
    from collector.process import free_port

    config = DeliveryConfig(endpoint=f"http://127.0.0.1:{free_port()}", spool_dir=tmp_path)
    sender = Sender(config)
    attempt = sender.send(b"", gzip=False, timeout=2)
    sender.close()
    assert (attempt.verdict, attempt.status) == (Verdict.RETRY, None)
    assert attempt.message.startswith("ConnectError")


@pytest.mark.parametrize("gzip", [True, False])
def test_send_posts_protobuf_with_bearer_key_when_called(tmp_path: Path, gzip: bool) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers=PB)

    config = DeliveryConfig(endpoint="http://collector:4318", api_key="tv_k", spool_dir=tmp_path)
    sender = Sender(config, httpx.Client(transport=httpx.MockTransport(handler)))
    assert sender.send(b"payload", gzip=gzip).verdict is Verdict.DELIVERED
    [request] = seen
    assert str(request.url) == "http://collector:4318/v1/traces"
    assert request.headers["authorization"] == "Bearer tv_k"
    assert request.headers["content-type"] == "application/x-protobuf"
    assert request.headers.get("content-encoding") == ("gzip" if gzip else None)
    assert request.content == b"payload"
