"""Process-wide state of an active patch(): tracer provider, processors, worker.

TracerProvider policy (documented for users):

* `tracer_provider=` given: we add to it.
* else, if the application installed an SDK `TracerProvider` globally: we ADD our processors
  to it (never replace it). Our spans then also reach the application's exporters, and the
  application's spans also reach tracevault, with our context attributes on them.
* else we create a private provider (service.name from the settings) and do NOT install it
  globally: installing is one-way, so unpatch() could not mirror it, and it would switch on
  the SDK's native spans and every other library's instrumentation.

Processors are added once per provider behind a switch, so patch/unpatch/patch does not stack
them; unpatch() flushes, then turns the switch off and shuts our exporter down.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

from instrument.config import Settings
from instrument.context import ContextAttributesProcessor
from instrument.errors import contain
from instrument.worker import Worker

__all__ = ["State", "start", "state", "stop", "tracer"]

SCOPE = "tracevault.instrument"
VERSION = "0.1.0"


class _Switch(SpanProcessor):
    """Forwards to our processors while patched, to nothing after unpatch()."""

    def __init__(self) -> None:
        self.delegates: tuple[SpanProcessor, ...] = ()

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        for delegate in self.delegates:
            delegate.on_start(span, parent_context=parent_context)

    def on_end(self, span: Any) -> None:
        for delegate in self.delegates:
            delegate.on_end(span)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return all(d.force_flush(timeout_millis) for d in self.delegates)

    def shutdown(self) -> None:
        for delegate in self.delegates:
            delegate.shutdown()
        self.delegates = ()


@dataclass
class State:
    settings: Settings
    provider: TracerProvider
    owned: bool
    switch: _Switch
    exporter_processor: SpanProcessor
    tracer: Any
    worker: Worker


_switches: dict[int, tuple[TracerProvider, _Switch]] = {}
_state: State | None = None
_lock = threading.RLock()


def state() -> State | None:
    return _state


def tracer() -> Any:
    current = _state
    return None if current is None else current.tracer


class _Borrowed(SpanExporter):
    """The application's exporter: we export through it but never shut it down."""

    def __init__(self, inner: SpanExporter) -> None:
        self.inner = inner

    def export(self, spans: Any) -> Any:
        return self.inner.export(spans)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)

    def shutdown(self) -> None:
        pass


def _exporter(settings: Settings) -> SpanProcessor:
    """The user's exporter behind a batch processor, or by default our spooling exporter.

    The spooling exporter's export() only appends to a bounded queue (its own thread writes
    the disk spool and delivers), so it sits behind a SimpleSpanProcessor on our worker thread:
    a batch processor would add delay before disk and drop spans where we cannot count them.
    """
    if settings.exporter is not None:
        return BatchSpanProcessor(
            _Borrowed(settings.exporter), max_queue_size=8192, schedule_delay_millis=500
        )
    from instrument.delivery import DeliveryConfig, SpoolingSpanExporter

    config = DeliveryConfig(
        traces_url=settings.traces_url,
        api_key=settings.api_key,
        headers=dict(settings.headers),
        spool_dir=settings.spool_dir,
        max_spool_bytes=settings.max_spool_bytes,
    )
    return _FlushingSimpleProcessor(SpoolingSpanExporter(config))


class _FlushingSimpleProcessor(SimpleSpanProcessor):
    """SimpleSpanProcessor whose force_flush also flushes the exporter (the SDK's does not)."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return bool(self.span_exporter.force_flush(timeout_millis))


def _provider(settings: Settings) -> tuple[TracerProvider, bool]:
    if settings.tracer_provider is not None:
        return settings.tracer_provider, False
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current, False
    resource = Resource.create({"service.name": settings.service_name})
    return TracerProvider(resource=resource), True


def _switch(provider: TracerProvider) -> _Switch:
    known = _switches.get(id(provider))
    if known is not None and known[0] is provider:
        return known[1]
    switch = _Switch()
    provider.add_span_processor(switch)
    _switches[id(provider)] = (provider, switch)
    return switch


def _redactor(settings: Settings) -> Any:
    if settings.capture_content != "redacted" or settings.redactor is not None:
        return settings.redactor
    try:
        from instrument.redaction import get_redactor

        return get_redactor(settings.redaction)
    except Exception as exc:  # no redactor: content is dropped, never shipped raw
        contain("runtime.redactor", exc)
        return None


def start(settings: Settings) -> State:
    global _state
    with _lock:
        provider, owned = _provider(settings)
        switch = _switch(provider)
        exporter = _exporter(settings)
        switch.delegates = (ContextAttributesProcessor(), exporter)
        our_tracer = provider.get_tracer(SCOPE, VERSION)
        worker = Worker(
            our_tracer,
            settings.capture_content,
            _redactor(settings),
            settings.max_queue,
            settings.redaction_backlog,
        )
        _state = State(settings, provider, owned, switch, exporter, our_tracer, worker)
        return _state


def flush(timeout: float = 10.0) -> bool:
    current = _state
    if current is None:
        return True
    drained = current.worker.flush(timeout)
    exported = current.exporter_processor.force_flush(int(timeout * 1000))
    return drained and exported


def stop(timeout: float = 10.0) -> None:
    global _state
    with _lock:
        current, _state = _state, None
    if current is None:
        return
    current.worker.flush(timeout)
    current.worker.stop(timeout)
    current.exporter_processor.force_flush(int(timeout * 1000))
    current.switch.shutdown()
    if current.owned:
        current.provider.shutdown()
        _switches.pop(id(current.provider), None)
