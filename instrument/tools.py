"""Tool spans: `@tool`, `with tool_span(...)`, and the tools `tool_runner` runs.

An `execute_tool {name}` span starts on the calling thread (so whatever the tool does,
model calls included, nests under it) and is ended by the worker, which redacts its arguments
and result first. The span carries `gen_ai.tool.call.id` — given as `call_id=`, or else found
by the worker: the oldest unclaimed tool_use block of a recent model call with the same tool
name and the same arguments — plus an OTel link to that model call's span.
A tool's exception is recorded (`error.type`, `tracevault.error.class = "tool"`) and re-raised
unchanged.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from opentelemetry import trace
from opentelemetry.trace import SpanKind

from instrument import clock, runtime
from instrument.errors import contain
from instrument.records import ToolRecord

__all__ = ["ToolRun", "sdk_tool_hooks", "tool", "tool_span"]

F = TypeVar("F", bound=Callable[..., Any])


class ToolRun:
    """Handle yielded by `tool_span`; set the tool's result on it."""

    def __init__(self, record: ToolRecord | None) -> None:
        self._record = record

    def set_result(self, value: Any) -> None:
        if self._record is not None:
            self._record.result = value
            self._record.has_result = True


def _start(name: str, call_id: str | None, arguments: Any) -> tuple[Any, ToolRecord] | None:
    try:
        state = runtime.state()
        if state is None:
            return None
        attrs = {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": name,
            "gen_ai.tool.type": "function",
        }
        span = state.tracer.start_span(
            f"execute_tool {name}",
            kind=SpanKind.INTERNAL,
            attributes=attrs,
            start_time=clock.now_ns(),
        )
        return state, ToolRecord(span, call_id, arguments)
    except Exception as exc:
        contain("tools.start", exc)
        return None


@contextmanager
def tool_span(name: str, *, call_id: str | None = None, arguments: Any = None) -> Iterator[ToolRun]:
    started = _start(name, call_id, arguments)
    if started is None:
        yield ToolRun(None)
        return
    state, record = started
    try:
        with trace.use_span(
            record.span, record_exception=False, set_status_on_exception=False, end_on_exit=False
        ):
            yield ToolRun(record)
    except Exception as exc:
        record.error = exc
        raise
    finally:
        record.end_ns = clock.now_ns()
        state.worker.submit((record, name))


def _arguments(signature: inspect.Signature | None, args: Any, kwargs: Any) -> Any:
    if signature is not None:
        try:
            bound = signature.bind_partial(*args, **kwargs).arguments
            return {k: v for k, v in bound.items() if k not in ("self", "cls")}
        except TypeError:
            pass
    return {"args": list(args), "kwargs": dict(kwargs)}


def tool(fn: F | None = None, *, name: str | None = None) -> Any:
    """`@tool` or `@tool(name="search")` on a sync or async function."""

    def decorate(func: F) -> F:
        tool_name = name or func.__name__
        try:
            signature: inspect.Signature | None = inspect.signature(func)
        except (TypeError, ValueError):
            signature = None
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with tool_span(tool_name, arguments=_arguments(signature, args, kwargs)) as run:
                    result = await func(*args, **kwargs)
                    run.set_result(result)
                    return result

            return run_async  # type: ignore[return-value]

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with tool_span(tool_name, arguments=_arguments(signature, args, kwargs)) as handle:
                result = func(*args, **kwargs)
                handle.set_result(result)
                return result

        return run  # type: ignore[return-value]

    return decorate(fn) if fn is not None else decorate


def _sync_call(original: Any) -> Any:
    def call(self: Any, input: Any) -> Any:
        with tool_span(str(getattr(self, "name", "tool")), arguments=input) as run:
            result = original(self, input)
            run.set_result(result)
            return result

    return call


def _async_call(original: Any) -> Any:
    async def call(self: Any, input: Any) -> Any:
        with tool_span(str(getattr(self, "name", "tool")), arguments=input) as run:
            result = await original(self, input)
            run.set_result(result)
            return result

    return call


def sdk_tool_hooks() -> list[tuple[type, str, Any]]:
    """(class, method, wrapper factory) for the function tools the SDK's tool_runner calls."""
    try:
        from anthropic.lib.tools import _beta_functions as functions
    except ImportError:
        return []
    hooks = []
    if hasattr(functions, "BetaFunctionTool"):
        hooks.append((functions.BetaFunctionTool, "call", _sync_call))
    if hasattr(functions, "BetaAsyncFunctionTool"):
        hooks.append((functions.BetaAsyncFunctionTool, "call", _async_call))
    return hooks
