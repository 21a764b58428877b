"""Who and what a span belongs to: `context()` and the `agent()` span.

The values live in the OpenTelemetry context (a contextvar), so they follow asyncio tasks,
threads started with a copied context, and anything else that propagates OTel context. A span
processor (`ContextAttributesProcessor`) copies them onto every span that starts below,
ours and the application's alike; the worker passes each span's captured parent context, so
spans built later on the worker thread carry the caller's values too.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace import SpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

from instrument import clock, mapping

__all__ = ["ContextAttributesProcessor", "agent", "context", "current_attributes"]

_KEY = otel_context.create_key("tracevault.context")
_NAMES = {
    "user_id": ("user.id",),
    "session_id": ("session.id", "gen_ai.conversation.id"),
    "tenant_id": ("tracevault.tenant.id",),
    "task_id": ("tracevault.task.id",),
    "agent_name": ("gen_ai.agent.name",),
}
F = TypeVar("F", bound=Callable[..., Any])


def current_attributes(ctx: otel_context.Context | None = None) -> Mapping[str, Any]:
    return otel_context.get_value(_KEY, ctx) or {}  # type: ignore[return-value]


def _attributes(values: Mapping[str, Any]) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        value = value if isinstance(value, str | int | float | bool) else str(value)
        for name in _NAMES.get(key, (f"tracevault.context.{key}",)):
            attrs[name] = value
    return attrs


@contextmanager
def context(
    *,
    user_id: str | None = None,
    session_id: str | None = None,
    tenant_id: str | None = None,
    task_id: str | None = None,
    agent_name: str | None = None,
    **extra: Any,
) -> Iterator[None]:
    """Every span started inside carries these (inner values override outer ones)."""
    given = {
        "user_id": user_id,
        "session_id": session_id,
        "tenant_id": tenant_id,
        "task_id": task_id,
        "agent_name": agent_name,
        **extra,
    }
    merged = {**current_attributes(), **_attributes(given)}
    token = otel_context.attach(otel_context.set_value(_KEY, merged))
    try:
        yield
    finally:
        otel_context.detach(token)


class ContextAttributesProcessor(SpanProcessor):
    """Copies the context's attributes onto each span as it starts."""

    def on_start(self, span: Any, parent_context: otel_context.Context | None = None) -> None:
        attrs = current_attributes(parent_context)
        if attrs:
            span.set_attributes(attrs)


def _tracer() -> Any:
    from instrument import runtime

    return runtime.tracer()


@contextmanager
def _agent_span(name: str, extra: Mapping[str, Any]) -> Iterator[None]:
    tracer = _tracer()
    with context(agent_name=name, **extra):
        if tracer is None:
            yield
            return
        attrs = {
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.agent.name": name,
            "gen_ai.provider.name": mapping.PROVIDER,
        }
        span = tracer.start_span(
            f"invoke_agent {name}",
            kind=SpanKind.INTERNAL,
            attributes=attrs,
            start_time=clock.now_ns(),
        )
        try:
            with trace.use_span(span, record_exception=False, set_status_on_exception=False):
                yield
        except Exception as exc:
            span.set_attributes(mapping.error_attributes(exc))
            span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"[:300]))
            raise
        finally:
            span.end(end_time=clock.now_ns())


def agent(name: str, **context_values: Any) -> Any:
    """`@agent("planner")` on a sync or async function, or `with agent("planner"):` — an
    `invoke_agent {name}` span that parents every call inside; its name is on all of them."""
    return _AgentDecorator(name, context_values)


class _AgentDecorator:
    def __init__(self, name: str, extra: Mapping[str, Any]) -> None:
        self.name, self.extra = name, extra
        self._active: list[Any] = []

    def __enter__(self) -> None:
        manager = _agent_span(self.name, self.extra)
        manager.__enter__()
        self._active.append(manager)

    def __exit__(self, *exc_info: Any) -> bool | None:
        return self._active.pop().__exit__(*exc_info)

    def __call__(self, fn: F) -> F:
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with _agent_span(self.name, self.extra):
                    return await fn(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with _agent_span(self.name, self.extra):
                return fn(*args, **kwargs)

        return run  # type: ignore[return-value]
