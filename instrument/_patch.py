"""Patching the Anthropic SDK's classes (so clients made before and after patch() are covered).

Hooks, all on the SDK's base client classes, sync and async:

* `request`: the boundary of one API call (every retry and, for streams, the reading of the
  body). Every surface passes it exactly once: `messages.create` (also `stream=True`),
  `messages.stream()`, `parse()`, `count_tokens()`, `beta.messages.*` including the model calls
  of `tool_runner`, `messages.batches.create` and `.results()` — so there is exactly one span
  per call however many helper layers sit above it. Other endpoints pass through untouched.
* `_sleep_for_retry`: sees the failed response of each attempt the SDK retries.
* `_process_response`: sees the successful response; for streams it puts a recorder in place
  of the body (see stream.py).
* `BaseClient._tracer` (anthropic >= 2): returns None while patched, which switches the SDK's
  native spans off. We switch them off rather than build on them because they are built on
  the calling thread (~+180..260 µs per call, measured) — our whole budget is below that.
* `BetaFunctionTool.call` / `BetaAsyncFunctionTool.call`: the tools `tool_runner` runs.

On the calling thread a hook takes a timestamp and references, captures the OTel context and
enqueues; everything else happens in the worker.
"""

from __future__ import annotations

import contextvars
from typing import Any

from opentelemetry import context as otel_context

from instrument import runtime
from instrument.errors import contain
from instrument.records import CallRecord
from instrument.stream import wrap_response_stream

__all__ = ["install", "uninstall"]

_CURRENT: contextvars.ContextVar[CallRecord | None] = contextvars.ContextVar(
    "tracevault_call", default=None
)
_POST_OPS = {
    "/v1/messages": "chat",
    "/v1/messages/count_tokens": "count_tokens",
    "/v1/messages/batches": "batch_create",
}
_originals: dict[tuple[type, str], Any] = {}
_wrappers: dict[tuple[type, str], Any] = {}


def _operation(options: Any) -> str | None:
    method, url = options.method, options.url
    if method == "post" or method == "POST":
        return _POST_OPS.get(url.partition("?")[0])
    if url.endswith("/results") and "/messages/batches/" in url:
        return "batch_results"
    return None


def _begin(client: Any, options: Any, stream: bool) -> CallRecord | None:
    try:
        state = runtime._state
        if state is None:
            return None
        op = _operation(options)
        if op is None:
            return None
        body = options.json_data
        if op == "batch_results":
            body = {"url": options.url}
        elif isinstance(body, dict):
            # extra_body is sent too; and the application appends to its messages list after
            # the call, so keep the list as sent
            extra = options.extra_json
            body = {**body, **extra} if extra else dict(body)
            if isinstance(body.get("messages"), list):
                body["messages"] = list(body["messages"])
        return CallRecord(
            op, body, otel_context.get_current(), client.base_url, stream, state.worker.submit
        )
    except Exception as exc:
        contain("patch.begin", exc)
        return None


def _sync_request(original: Any) -> Any:
    def request(self: Any, cast_to: Any, options: Any, *args: Any, **kwargs: Any) -> Any:
        call = _begin(self, options, bool(kwargs.get("stream")))
        if call is None:
            return original(self, cast_to, options, *args, **kwargs)
        token = _CURRENT.set(call)
        try:
            result = original(self, cast_to, options, *args, **kwargs)
        except BaseException as exc:
            call.finish("failed", exc)
            raise
        finally:
            _CURRENT.reset(token)
        if call.chunks is None:  # not a stream: the call is over
            call.finish()
        return result

    return request


def _async_request(original: Any) -> Any:
    async def request(self: Any, cast_to: Any, options: Any, *args: Any, **kwargs: Any) -> Any:
        call = _begin(self, options, bool(kwargs.get("stream")))
        if call is None:
            return await original(self, cast_to, options, *args, **kwargs)
        token = _CURRENT.set(call)
        try:
            result = await original(self, cast_to, options, *args, **kwargs)
        except BaseException as exc:
            call.finish("failed", exc)
            raise
        finally:
            _CURRENT.reset(token)
        if call.chunks is None:
            call.finish()
        return result

    return request


def _note_retry(kwargs: dict[str, Any]) -> None:
    call = _CURRENT.get()
    if call is not None:
        response = kwargs.get("response")
        call.statuses.append(response.status_code if response is not None else 0)


def _sync_sleep(original: Any) -> Any:
    def _sleep_for_retry(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            _note_retry(kwargs)
        except Exception as exc:
            contain("patch.retry", exc)
        return original(self, *args, **kwargs)

    return _sleep_for_retry


def _async_sleep(original: Any) -> Any:
    async def _sleep_for_retry(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            _note_retry(kwargs)
        except Exception as exc:
            contain("patch.retry", exc)
        return await original(self, *args, **kwargs)

    return _sleep_for_retry


def _note_response(kwargs: dict[str, Any]) -> None:
    call = _CURRENT.get()
    response = kwargs.get("response")
    if call is None or response is None or call.chunks is not None:
        return
    call.response = response
    if kwargs.get("stream") or call.op == "batch_results":
        wrap_response_stream(response, call)


def _sync_process(original: Any) -> Any:
    def _process_response(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            _note_response(kwargs)
        except Exception as exc:
            contain("patch.response", exc)
        return original(self, *args, **kwargs)

    return _process_response


def _async_process(original: Any) -> Any:
    async def _process_response(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            _note_response(kwargs)
        except Exception as exc:
            contain("patch.response", exc)
        return await original(self, *args, **kwargs)

    return _process_response


def _no_native_tracer(self: Any) -> None:
    return None


def _wrap(owner: type, name: str, factory: Any) -> None:
    key = (owner, name)
    if key in _originals or name not in owner.__dict__:
        return
    original = owner.__dict__[name]
    wrapper = factory(original)
    _originals[key], _wrappers[key] = original, wrapper
    setattr(owner, name, wrapper)


def install() -> None:
    from anthropic import _base_client as base

    from instrument import tools

    _wrap(base.SyncAPIClient, "request", _sync_request)
    _wrap(base.AsyncAPIClient, "request", _async_request)
    _wrap(base.SyncAPIClient, "_sleep_for_retry", _sync_sleep)
    _wrap(base.AsyncAPIClient, "_sleep_for_retry", _async_sleep)
    _wrap(base.SyncAPIClient, "_process_response", _sync_process)
    _wrap(base.AsyncAPIClient, "_process_response", _async_process)
    if "_tracer" in base.BaseClient.__dict__:  # anthropic >= 2: native spans off while patched
        _wrap(base.BaseClient, "_tracer", lambda _original: property(_no_native_tracer))
    for owner, name, factory in tools.sdk_tool_hooks():
        _wrap(owner, name, factory)


def uninstall() -> None:
    """Restore exactly what install() replaced, and only where our wrapper is still in place."""
    for key, original in list(_originals.items()):
        owner, name = key
        if owner.__dict__.get(name) is _wrappers[key]:
            setattr(owner, name, original)
        del _originals[key], _wrappers[key]
