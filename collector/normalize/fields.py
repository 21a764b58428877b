"""The scalar canonical fields: operation, models, finish reason, usage, cost, tool, agent,
redaction. Each is a pure function of the attributes and the slots `pick` filled."""

from __future__ import annotations

from typing import Any

import orjson

from collector.normalize.slots import as_int, as_str, loads
from instrument.pricing import get_price_table

INFERENCE_OPERATIONS = frozenset({"chat", "text_completion", "generate_content", "embeddings"})
_ENTITY_PREFIX = "tracevault.redaction.entities."
_OPERATION_ALIASES = {
    "completion": "text_completion",
    "embedding": "embeddings",
    "llm": "chat",
    "tool": "execute_tool",
    "agent": "invoke_agent",
    "workflow": "invoke_workflow",
}
_SPAN_NAME_OPERATIONS = {
    "anthropic.messages.create": "chat",
    "anthropic.messages.stream": "chat",
    "anthropic.messages.parse": "chat",
    "anthropic.chat": "chat",
    "anthropic.completion": "text_completion",
    "anthropic.messages.count_tokens": "count_tokens",
    "anthropic.messages.tool_runner": "invoke_agent",
    "anthropic.custom_tool_use": "execute_tool",
}
_NAME_PREFIX_OPERATIONS = frozenset(
    {
        "chat",
        "text_completion",
        "generate_content",
        "embeddings",
        "execute_tool",
        "invoke_agent",
        "create_agent",
        "invoke_workflow",
    }
)
_FINISH_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_call",
    "tool_calls": "tool_call",
    "refusal": "content_filter",
}


def operation(name: str, p: dict[str, Any]) -> str | None:
    raw = p.get("operation")
    if isinstance(raw, str):
        op = raw.lower()
        return _OPERATION_ALIASES.get(op, op)
    if name in _SPAN_NAME_OPERATIONS:
        return _SPAN_NAME_OPERATIONS[name]
    head = name.partition(" ")[0]
    if head in _NAME_PREFIX_OPERATIONS:
        return head
    return _SPAN_NAME_OPERATIONS.get(head)  # "anthropic.custom_tool_use <name>"


def models(attrs: dict[str, Any], p: dict[str, Any]) -> tuple[str | None, str | None]:
    request, response, legacy = (
        p.get("request_model"),
        p.get("response_model"),
        p.get("legacy_model"),
    )
    if response is None and "llm.request.model_name" not in attrs:
        response = legacy  # older OpenInference sets only llm.model_name
    return as_str(request or legacy), as_str(response)


def finish_reason(p: dict[str, Any], content: dict[str, Any] | None) -> str | None:
    raw = p.get("finish")
    if isinstance(raw, str) and raw.startswith("["):
        raw = loads(raw)
    if isinstance(raw, list | tuple):
        raw = raw[0] if raw else None
    if raw is None and content and content.get("output_messages"):
        first = content["output_messages"][0]
        raw = first.get("finish_reason") if isinstance(first, dict) else None
    if raw is None or raw == "":
        return None
    reason = str(raw).lower()
    return _FINISH_REASONS.get(reason, reason)


def usage(p: dict[str, Any]) -> tuple[int | None, int | None, int | None, int | None]:
    inp, out = as_int(p.get("input")), as_int(p.get("output"))
    read, write = as_int(p.get("cache_read")), as_int(p.get("cache_write"))
    cached = (read or 0) + (write or 0)
    if inp is not None and inp < cached:
        inp += cached  # disjoint counts: make input inclusive, as the conventions define
    return inp, out, read, write


def cost(p: dict[str, Any], model: str | None, tokens: tuple[Any, ...]) -> float | None:
    emitted = p.get("cost")
    if isinstance(emitted, int | float) and not isinstance(emitted, bool):
        return float(emitted)
    inp, out, read, write = tokens
    if model is None or (inp is None and out is None):
        return None
    write = write or 0
    write_1h = min(as_int(p.get("cache_write_1h")) or 0, write)
    return get_price_table().cost_tokens(
        model,
        inp or 0,
        out or 0,
        read or 0,
        write - write_1h,
        write_1h,
        batch=p.get("batch") is True,
    )


def tool(
    operation: str | None, attrs: dict[str, Any], p: dict[str, Any], content: dict[str, Any] | None
) -> tuple[str | None, str | None]:
    name, call_id = p.get("tool_name"), p.get("tool_call_id")
    if name is None and attrs.get("traceloop.span.kind") == "tool":
        name = attrs.get("traceloop.entity.name")
    if name is None and operation in INFERENCE_OPERATIONS and content:
        for message in content.get("output_messages") or ():
            for part in (message.get("parts") or ()) if isinstance(message, dict) else ():
                if isinstance(part, dict) and part.get("type") == "tool_call":
                    return as_str(part.get("name")), as_str(part.get("id"))
    return as_str(name), as_str(call_id)


def redaction(attrs: dict[str, Any], p: dict[str, Any]) -> str | None:
    by, dropped = p.get("redaction_by"), p.get("content_dropped")
    if by is None and dropped is None:
        return None  # no key scan for spans nobody redacted
    entities = {
        key[len(_ENTITY_PREFIX) :]: as_int(value) or 0
        for key, value in attrs.items()
        if key.startswith(_ENTITY_PREFIX)
    }
    return orjson.dumps(
        {"by": by, "entities": entities, "content_dropped": dropped is True}
    ).decode()


def agent(attrs: dict[str, Any], p: dict[str, Any]) -> str | None:
    agent = p.get("agent")
    if agent is None and attrs.get("traceloop.span.kind") == "agent":
        agent = attrs.get("traceloop.entity.name")
    return as_str(agent)
