"""Which attribute fills which canonical slot, and the value coercions every field uses."""

from __future__ import annotations

from typing import Any

import orjson

# Canonical slot -> attribute names, best first. Inverted once into `SLOTS` so a span's
# attributes are read in one pass of dict lookups instead of probing every name per field.
SLOT_KEYS: dict[str, tuple[str, ...]] = {
    "operation": (
        "gen_ai.operation.name",
        "openinference.span.kind",
        "llm.request.type",
        "traceloop.span.kind",
    ),
    "request_model": ("gen_ai.request.model", "llm.request.model_name"),
    "response_model": ("gen_ai.response.model", "llm.response.model_name"),
    "legacy_model": ("llm.model_name",),  # OpenInference: the response model once known
    "provider": ("gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"),
    "input": ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt"),
    "output": (
        "gen_ai.usage.output_tokens",
        "gen_ai.usage.completion_tokens",
        "llm.token_count.completion",
    ),
    "cache_read": (
        "gen_ai.usage.cache_read.input_tokens",
        "gen_ai.usage.cache_read_input_tokens",
        "llm.token_count.prompt_details.cache_read",
    ),
    "cache_write": (
        "gen_ai.usage.cache_write.input_tokens",
        "gen_ai.usage.cache_creation.input_tokens",
        "gen_ai.usage.cache_creation_input_tokens",
        "llm.token_count.prompt_details.cache_write",
    ),
    "cache_write_1h": ("anthropic.usage.cache_creation.ephemeral_1h_input_tokens",),
    "cost": ("tracevault.cost.usd", "gen_ai.usage.cost", "llm.cost.total"),
    "batch": ("tracevault.batch",),
    "finish": (
        "gen_ai.response.finish_reasons",
        "llm.finish_reason",
        "anthropic.message.stop_reason",
        "gen_ai.completion.0.finish_reason",
    ),
    "tool_name": ("gen_ai.tool.name", "tool.name"),
    "tool_call_id": ("gen_ai.tool.call.id", "tool.id", "tool_call.id"),
    "agent": ("gen_ai.agent.name", "agent.name"),
    "user": ("user.id", "enduser.id", "traceloop.association.properties.user_id"),
    "session": (
        "session.id",
        "gen_ai.conversation.id",
        "traceloop.association.properties.session_id",
    ),
    "tenant": ("tracevault.tenant.id",),
    "task": ("tracevault.task.id",),
    "error_type": ("error.type",),
    "error_class": ("tracevault.error.class",),
    "http_status": ("http.response.status_code",),
    "redaction_by": ("tracevault.redaction.by",),
    "content_dropped": ("tracevault.content_dropped", "tracevault.redaction.content_dropped"),
    "system": ("gen_ai.system_instructions",),
    "input_messages": ("gen_ai.input.messages", "gen_ai.prompt"),
    "output_messages": ("gen_ai.output.messages", "gen_ai.completion"),
    "tool_arguments": ("gen_ai.tool.call.arguments",),
    "tool_result": ("gen_ai.tool.call.result", "anthropic.tool_result.content"),
}
SLOTS = {key: (slot, rank) for slot, keys in SLOT_KEYS.items() for rank, key in enumerate(keys)}
# Slots whose values are message content: the `content` column holds them, `attributes` not.
CONTENT_SLOTS = ("system", "input_messages", "output_messages", "tool_arguments", "tool_result")


def pick(attrs: dict[str, Any]) -> dict[str, Any]:
    """slot -> value of the best-ranked attribute present (empty values count as absent)."""
    picked: dict[str, Any] = {}
    ranks: dict[str, int] = {}
    for key, value in attrs.items():
        slot = SLOTS.get(key)
        if slot is None or value is None or value == "":
            continue
        name, rank = slot
        if name not in ranks or rank < ranks[name]:
            picked[name] = value
            ranks[name] = rank
    return picked


def as_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float | str):
        try:
            return int(float(value))
        except ValueError:
            return None
    return None


def as_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def winner(attrs: dict[str, Any], slot: str) -> str | None:
    """The attribute name `pick` took for `slot` (the best-ranked non-empty one)."""
    for key in SLOT_KEYS[slot]:
        value = attrs.get(key)
        if value is not None and value != "":
            return key
    return None


def loads(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
