"""The SDK's native spans (anthropic >= 2) never double our span, whether or not the
application turned native telemetry on; unpatch() gives them back."""

from __future__ import annotations

from collections.abc import Iterator

import anthropic
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import instrument
from sample_data.mock import MockAnthropic
from tests.instrument.conftest import USER, EmailRedactor, reset_global_tracer_provider

NATIVE = int(anthropic.__version__.split(".")[0]) >= 2
needs_native = pytest.mark.skipif(not NATIVE, reason="anthropic < 2 has no native spans")


@pytest.fixture
def app_provider() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    """The application's own global SDK provider (which switches native spans on)."""
    reset_global_tracer_provider()
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    yield provider, exporter
    instrument.unpatch()
    reset_global_tracer_provider()


def _call(client: anthropic.Anthropic) -> None:
    client.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=USER)


@needs_native
def test_native_spans_are_on_when_not_patched(app_provider: tuple) -> None:
    _, app_exporter = app_provider
    _call(MockAnthropic().client())
    assert [s.name for s in app_exporter.get_finished_spans()] == ["anthropic.messages.create"]


def test_one_span_in_app_provider_when_app_has_global_provider(app_provider: tuple) -> None:
    _, app_exporter = app_provider
    ours = InMemorySpanExporter()
    instrument.patch(exporter=ours, redactor=EmailRedactor(), raise_internal_errors=True)
    _call(MockAnthropic().client())
    instrument.flush()
    app_spans = app_exporter.get_finished_spans()
    assert [s.name for s in app_spans] == ["chat claude-haiku-4-5"]
    assert app_spans[0].instrumentation_scope.name == "tracevault.instrument"
    assert [s.name for s in ours.get_finished_spans()] == ["chat claude-haiku-4-5"]


@needs_native
def test_one_span_when_app_turned_native_content_on_explicitly(app_provider: tuple) -> None:
    provider, app_exporter = app_provider
    instrument.patch(
        exporter=InMemorySpanExporter(), redactor=EmailRedactor(), raise_internal_errors=True
    )
    option = {"tracer_provider": provider, "traces": {"content_mode": "content"}}
    _call(MockAnthropic().client(open_telemetry=option))
    instrument.flush()
    assert [s.name for s in app_exporter.get_finished_spans()] == ["chat claude-haiku-4-5"]


@needs_native
def test_native_spans_come_back_when_unpatched(app_provider: tuple) -> None:
    _, app_exporter = app_provider
    instrument.patch(
        exporter=InMemorySpanExporter(), redactor=EmailRedactor(), raise_internal_errors=True
    )
    client = MockAnthropic().client()
    _call(client)
    instrument.unpatch()
    _call(client)
    names = [s.name for s in app_exporter.get_finished_spans()]
    assert names == ["chat claude-haiku-4-5", "anthropic.messages.create"]
