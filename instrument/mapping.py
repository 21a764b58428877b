"""Pure functions: Anthropic request / response / usage / error -> span attributes.

Names follow the current OTel GenAI conventions, with `anthropic.*` extras where the SDK's
own spans use them and `tracevault.*` for what no convention names:

* `gen_ai.usage.input_tokens` is INCLUSIVE of cache read and cache write (the raw API's
  `input_tokens` is not; we add them, as every Anthropic emitter does).
* `gen_ai.response.finish_reasons` keeps Anthropic's raw stop reasons (`end_turn`, `tool_use`).
* `tracevault.request.tools`: names of the tools offered; `tracevault.response.tool_call.names`
  / `.ids`: the tool_use blocks returned, as parallel arrays.
* errors: `error.type` is the API's error type (`rate_limit_error`) or the exception class,
  `tracevault.error.class` is `transient` | `permanent` (| `tool` for tool spans).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import anthropic

from instrument.pricing import Usage

__all__ = [
    "error_attributes",
    "error_class",
    "request_attributes",
    "response_attributes",
    "retry_attributes",
    "server_attributes",
    "stream_error_attributes",
    "usage_attributes",
    "usage_of",
]

PROVIDER = "anthropic"
TRANSIENT_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})
_REQUEST_FIELDS = (
    ("max_tokens", "gen_ai.request.max_tokens", int),
    ("temperature", "gen_ai.request.temperature", float),
    ("top_p", "gen_ai.request.top_p", float),
    ("top_k", "gen_ai.request.top_k", int),
)


def request_attributes(body: Mapping[str, Any], *, stream: bool) -> dict[str, Any]:
    """Attributes a Messages request sets before any answer (no content)."""
    attrs: dict[str, Any] = {"gen_ai.provider.name": PROVIDER}
    if isinstance(body.get("model"), str):
        attrs["gen_ai.request.model"] = body["model"]
    for key, name, kind in _REQUEST_FIELDS:
        value = body.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            attrs[name] = kind(value)
    stops = body.get("stop_sequences")
    if isinstance(stops, list) and all(isinstance(s, str) for s in stops):
        attrs["gen_ai.request.stop_sequences"] = list(stops)
    attrs["gen_ai.request.stream"] = stream
    tools = [t.get("name") for t in body.get("tools") or () if isinstance(t, Mapping)]
    if tools:
        attrs["tracevault.request.tools"] = [str(name) for name in tools if name]
    return attrs


def response_attributes(message: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes of a (possibly streamed and accumulated) Message body."""
    attrs: dict[str, Any] = {}
    if isinstance(message.get("id"), str):
        attrs["gen_ai.response.id"] = message["id"]
    if isinstance(message.get("model"), str):
        attrs["gen_ai.response.model"] = message["model"]
    if isinstance(message.get("stop_reason"), str):
        attrs["gen_ai.response.finish_reasons"] = [message["stop_reason"]]
    calls = [b for b in message.get("content") or () if isinstance(b, Mapping)]
    calls = [b for b in calls if b.get("type") == "tool_use"]
    if calls:
        attrs["tracevault.response.tool_call.names"] = [str(b.get("name")) for b in calls]
        attrs["tracevault.response.tool_call.ids"] = [str(b.get("id")) for b in calls]
    usage = message.get("usage")
    if isinstance(usage, Mapping):
        attrs.update(usage_attributes(usage))
    return attrs


def _int(mapping: Any, key: str) -> int:
    value = mapping.get(key) if isinstance(mapping, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def usage_of(usage: Mapping[str, Any]) -> Usage:
    """The API's usage object as a pricing `Usage` (input made inclusive of cache)."""
    read = _int(usage, "cache_read_input_tokens")
    split = usage.get("cache_creation")
    write_5m, write_1h = (
        _int(split, "ephemeral_5m_input_tokens"),
        _int(split, "ephemeral_1h_input_tokens"),
    )
    total_write = _int(usage, "cache_creation_input_tokens")
    if write_5m + write_1h != total_write:  # no split reported: the default lifetime is 5 minutes
        write_5m, write_1h = total_write, 0
    inclusive = _int(usage, "input_tokens") + read + total_write
    return Usage(inclusive, _int(usage, "output_tokens"), read, write_5m, write_1h)


def usage_attributes(usage: Mapping[str, Any]) -> dict[str, Any]:
    counted = usage_of(usage)
    attrs: dict[str, Any] = {
        "gen_ai.usage.input_tokens": counted.input_tokens,
        "gen_ai.usage.output_tokens": counted.output_tokens,
        "gen_ai.usage.cache_read.input_tokens": counted.cache_read_tokens,
        "gen_ai.usage.cache_write.input_tokens": counted.cache_write_tokens,
        "anthropic.usage.cache_creation.ephemeral_5m_input_tokens": counted.cache_write_5m_tokens,
        "anthropic.usage.cache_creation.ephemeral_1h_input_tokens": counted.cache_write_1h_tokens,
    }
    server = usage.get("server_tool_use")
    if isinstance(server, Mapping):
        for key, value in server.items():
            if isinstance(value, int) and not isinstance(value, bool):
                attrs[f"anthropic.usage.server_tool_use.{key}"] = value
    if isinstance(usage.get("service_tier"), str):
        attrs["anthropic.response.service_tier"] = usage["service_tier"]
    return attrs


def error_class(status: int | None, exc: BaseException | None = None) -> str:
    """`transient` when retrying can succeed (429, 5xx, 529, timeouts, connection), else
    `permanent` (400, 401, 403, 404, 413, 422 and anything else)."""
    if isinstance(exc, anthropic.APIConnectionError):  # includes APITimeoutError
        return "transient"
    if status is not None and (status in TRANSIENT_STATUSES or status >= 500):
        return "transient"
    return "permanent"


def error_attributes(exc: BaseException) -> dict[str, Any]:
    status = getattr(exc, "status_code", None)
    status = status if isinstance(status, int) else None
    api_type = getattr(exc, "type", None) if isinstance(exc, anthropic.APIStatusError) else None
    attrs: dict[str, Any] = {
        "error.type": api_type if isinstance(api_type, str) and api_type else type(exc).__name__,
        "tracevault.error.class": error_class(status, exc),
    }
    if status is not None:
        attrs["http.response.status_code"] = status
    request_id = getattr(exc, "request_id", None)
    if isinstance(request_id, str):
        attrs["anthropic.request.id"] = request_id
    return attrs


def stream_error_attributes(error: Mapping[str, Any]) -> dict[str, Any]:
    """An `error` event inside a 200 stream (e.g. overloaded_error mid-answer)."""
    kind = str(error.get("type") or "stream_error")
    transient = kind in {"overloaded_error", "api_error", "rate_limit_error", "timeout_error"}
    return {"error.type": kind, "tracevault.error.class": "transient" if transient else "permanent"}


def retry_attributes(statuses: Sequence[int], failed_final: int | None) -> dict[str, Any]:
    """Attempts and the status of every failed attempt (0 = no response: timeout/connection)."""
    failed = [*statuses, *([] if failed_final is None else [failed_final])]
    attrs: dict[str, Any] = {"tracevault.retry.attempts": len(statuses) + 1}
    if failed:
        attrs["tracevault.retry.statuses"] = failed
    if statuses:
        attrs["http.request.resend_count"] = len(statuses)
    return attrs


def server_attributes(base_url: Any) -> dict[str, Any]:
    host = getattr(base_url, "host", None)
    if not isinstance(host, str) or not host:
        return {}
    port = getattr(base_url, "port", None) or (
        80 if getattr(base_url, "scheme", "") == "http" else 443
    )
    return {"server.address": host, "server.port": int(port)}
