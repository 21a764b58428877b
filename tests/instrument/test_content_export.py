"""capture_content modes, the redaction hook, and OTLP/HTTP export to a real local server."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

import instrument
from sample_data.mock import MockAnthropic, Reply
from tests.instrument.conftest import EmailRedactor, Traced

SECRET_PROMPT = [{"role": "user", "content": "write to alice@example.com"}]


def _call(traced: Traced) -> None:
    traced.mock.queue(Reply.text("sent to alice@example.com"))
    traced.mock.client().messages.create(
        model="claude-haiku-4-5",
        max_tokens=5,
        system="mail bob@example.org",
        messages=SECRET_PROMPT,
    )


def test_content_is_redacted_in_one_batch_when_default_mode(traced: Traced) -> None:
    _call(traced)
    attrs = traced.only().attributes
    assert json.loads(attrs["gen_ai.system_instructions"]) == [
        {"type": "text", "content": "mail <EMAIL_ADDRESS>"}
    ]
    assert json.loads(attrs["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "write to <EMAIL_ADDRESS>"}]}
    ]
    assert "alice@" not in attrs["gen_ai.output.messages"]
    assert attrs["tracevault.redaction.by"] == "tracevault-sdk"
    assert attrs["tracevault.redaction.entities.EMAIL_ADDRESS"] == 3
    assert traced.redactor.batches == [
        ["mail bob@example.org", "write to alice@example.com", "sent to alice@example.com"]
    ]


@pytest.mark.parametrize("traced", [{"capture_content": "none"}], indirect=True)
def test_no_content_leaves_when_mode_none(traced: Traced) -> None:
    _call(traced)
    attrs = traced.only().attributes
    assert not [
        k for k in attrs if k.startswith(("gen_ai.input", "gen_ai.output", "gen_ai.system"))
    ]
    assert traced.redactor.batches == []
    assert attrs["gen_ai.usage.output_tokens"] == 5  # metadata still there


@pytest.mark.parametrize("traced", [{"capture_content": "full"}], indirect=True)
def test_raw_content_is_kept_when_mode_full(traced: Traced) -> None:
    _call(traced)
    attrs = traced.only().attributes
    assert "write to alice@example.com" in attrs["gen_ai.input.messages"]
    assert "tracevault.redaction.by" not in attrs
    assert traced.redactor.batches == []


class BrokenRedactor:
    def redact_many(self, texts: list[str]) -> list[object]:
        raise RuntimeError("presidio fell over")


def test_content_dropped_never_raw_when_redactor_fails() -> None:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    instrument.patch(exporter=exporter, redactor=BrokenRedactor())
    try:
        mock = MockAnthropic()
        mock.client().messages.create(model="m", max_tokens=5, messages=SECRET_PROMPT)
        instrument.flush()
    finally:
        instrument.unpatch()
    (span,) = exporter.get_finished_spans()
    assert span.attributes["tracevault.content_dropped"] is True
    assert not any("alice@" in str(v) for v in span.attributes.values())
    assert "gen_ai.input.messages" not in span.attributes


class _Collector(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        self.received.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def otlp_server() -> Iterator[str]:
    _Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_spans_reach_otlp_endpoint_with_bearer_key_when_exported(otlp_server: str) -> None:
    instrument.patch(
        endpoint=otlp_server, api_key="tv_secret", service_name="agent-x", redactor=EmailRedactor()
    )
    try:
        MockAnthropic().client().messages.create(model="m", max_tokens=5, messages=SECRET_PROMPT)
        assert instrument.flush()
    finally:
        instrument.unpatch()
    path, headers, body = _Collector.received[0]
    assert path == "/v1/traces"
    assert headers["authorization"] == "Bearer tv_secret"
    assert headers["content-type"] == "application/x-protobuf"
    assert headers["content-encoding"] == "gzip"  # the default (spooling) exporter compresses
    request = ExportTraceServiceRequest.FromString(gzip.decompress(body))
    resource = request.resource_spans[0].resource
    assert {a.key: a.value.string_value for a in resource.attributes}["service.name"] == "agent-x"
    spans = [s for rs in request.resource_spans for ss in rs.scope_spans for s in ss.spans]
    assert [s.name for s in spans] == ["chat m"]


def test_real_redactor_redacts_prompt_when_no_stand_in_given() -> None:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    pytest.importorskip("presidio_analyzer")
    exporter = InMemorySpanExporter()
    instrument.patch(exporter=exporter, raise_internal_errors=True)
    try:
        MockAnthropic().client().messages.create(model="m", max_tokens=5, messages=SECRET_PROMPT)
        instrument.flush(timeout=60)
    finally:
        instrument.unpatch()
    (span,) = exporter.get_finished_spans()
    assert "alice@example.com" not in span.attributes["gen_ai.input.messages"]
    assert span.attributes["tracevault.redaction.entities.EMAIL_ADDRESS"] == 1
    assert span.attributes["tracevault.redaction.by"] == "tracevault-sdk"
