"""Map a decoded span of any GenAI convention onto the canonical record of `collector.schema`.

Families read (see shared/reference/genai-conventions.md): OTel GenAI current and older names,
OpenLLMetry (Traceloop), OpenInference (Arize), the anthropic SDK's native spans (`anthropic.*`
extras) and this project's instrument (`tracevault.*`). Where they disagree the record uses:

- operation: OTel names (chat, execute_tool, invoke_agent, ...); OpenInference kinds map
  LLM->chat, TOOL->execute_tool, AGENT->invoke_agent, CHAIN->chain, EMBEDDING->embeddings.
- finish_reason: the OTel vocabulary (stop, length, tool_call, content_filter, error). Anthropic's
  raw stop reasons are mapped (end_turn/stop_sequence->stop, max_tokens->length,
  tool_use->tool_call, refusal->content_filter) because OpenLLMetry only sends mapped values.
- tokens and cost exist only on inference spans (chat, text_completion, generate_content,
  embeddings). Agent/workflow spans often repeat their children's usage: on those, tokens and
  cost are None and whatever they sent stays in `attributes` only, so sums never double count.
  Input is stored inclusive of cache; an input smaller than read + write was sent disjoint and
  gets them added. Cost is the emitter's `tracevault.cost.usd` when sent, else the price table's.
- tool_name / tool_call_id: the tool of an execute_tool span; on an inference span, the first
  tool call the model asked for (so "which call requested tool X" is one filter).
- error_class: `tracevault.error.class` when sent; else derived for error spans: any error on an
  execute_tool span -> tool; 429, 408, 5xx, 529, timeouts, connection errors -> transient;
  other 4xx (400, 401, 403, 404, 413, 422, ...) -> permanent; unknown -> None.
- redaction: built from `tracevault.redaction.by`, `tracevault.redaction.entities.<TYPE>` and
  `tracevault.content_dropped` (or `tracevault.redaction.content_dropped`); None when absent.
  Server-side redaction should set the same attributes before calling `to_record`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from collector.otlp import RawSpan
from instrument.pricing import get_price_table

__all__ = ["INFERENCE_OPERATIONS", "build_content", "to_record"]

INFERENCE_OPERATIONS = frozenset({"chat", "text_completion", "generate_content", "embeddings"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_KINDS = ("unspecified", "internal", "server", "client", "producer", "consumer")
_STATUS = ("unset", "ok", "error")

# Canonical slot -> attribute names, best first. Inverted once into `_SLOTS` so a span's
# attributes are read in one pass of dict lookups instead of probing every name per field.
_SLOT_KEYS: dict[str, tuple[str, ...]] = {
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
_SLOTS = {key: (slot, rank) for slot, keys in _SLOT_KEYS.items() for rank, key in enumerate(keys)}

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
_TRANSIENT_TYPES = frozenset(
    {
        "ratelimiterror",
        "overloadederror",
        "internalservererror",
        "apierror",
        "apiconnectionerror",
        "apitimeouterror",
        "timeouterror",
        "timeout",
        "readtimeout",
        "connecttimeout",
        "connecterror",
        "connectionerror",
        "remoteprotocolerror",
        "serviceunavailableerror",
        "overloaded",
        "ratelimit",
        "gatewaytimeout",
        "deadlineexceeded",
    }
)
_PERMANENT_TYPES = frozenset(
    {
        "badrequesterror",
        "invalidrequesterror",
        "authenticationerror",
        "permissiondeniederror",
        "permissionerror",
        "notfounderror",
        "requesttoolargeerror",
        "requesttoolarge",
        "unprocessableentityerror",
        "conflicterror",
    }
)
_ERROR_CLASSES = frozenset({"transient", "permanent", "tool"})
_STATUS_IN_TEXT = re.compile(r"\b(?:error code|status(?: code)?)[:= ]+(\d{3})\b", re.IGNORECASE)
_ENTITY_PREFIX = "tracevault.redaction.entities."


def _pick(attrs: dict[str, Any]) -> dict[str, Any]:
    """slot -> value of the best-ranked attribute present (empty values count as absent)."""
    picked: dict[str, Any] = {}
    ranks: dict[str, int] = {}
    for key, value in attrs.items():
        slot = _SLOTS.get(key)
        if slot is None or value is None or value == "":
            continue
        name, rank = slot
        if name not in ranks or rank < ranks[name]:
            picked[name] = value
            ranks[name] = rank
    return picked


def _as_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float | str):
        try:
            return int(float(value))
        except ValueError:
            return None
    return None


def _as_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _time(ns: int) -> datetime | None:
    return _EPOCH + timedelta(microseconds=ns // 1000) if ns > 0 else None


def _loads(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None


def _operation(name: str, p: dict[str, Any]) -> str | None:
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


def _models(attrs: dict[str, Any], p: dict[str, Any]) -> tuple[str | None, str | None]:
    request, response, legacy = (
        p.get("request_model"),
        p.get("response_model"),
        p.get("legacy_model"),
    )
    if response is None and "llm.request.model_name" not in attrs:
        response = legacy  # older OpenInference sets only llm.model_name
    return _as_str(request or legacy), _as_str(response)


def _finish_reason(p: dict[str, Any], content: dict[str, Any] | None) -> str | None:
    raw = p.get("finish")
    if isinstance(raw, str) and raw.startswith("["):
        raw = _loads(raw)
    if isinstance(raw, list | tuple):
        raw = raw[0] if raw else None
    if raw is None and content and content.get("output_messages"):
        first = content["output_messages"][0]
        raw = first.get("finish_reason") if isinstance(first, dict) else None
    if raw is None or raw == "":
        return None
    reason = str(raw).lower()
    return _FINISH_REASONS.get(reason, reason)


def _usage(p: dict[str, Any]) -> tuple[int | None, int | None, int | None, int | None]:
    inp, out = _as_int(p.get("input")), _as_int(p.get("output"))
    read, write = _as_int(p.get("cache_read")), _as_int(p.get("cache_write"))
    cached = (read or 0) + (write or 0)
    if inp is not None and inp < cached:
        inp += cached  # disjoint counts: make input inclusive, as the conventions define
    return inp, out, read, write


def _cost(p: dict[str, Any], model: str | None, tokens: tuple[Any, ...]) -> float | None:
    emitted = p.get("cost")
    if isinstance(emitted, int | float) and not isinstance(emitted, bool):
        return float(emitted)
    inp, out, read, write = tokens
    if model is None or (inp is None and out is None):
        return None
    write = write or 0
    write_1h = min(_as_int(p.get("cache_write_1h")) or 0, write)
    return get_price_table().cost_tokens(
        model,
        inp or 0,
        out or 0,
        read or 0,
        write - write_1h,
        write_1h,
        batch=p.get("batch") is True,
    )


def _tool(
    operation: str | None, attrs: dict[str, Any], p: dict[str, Any], content: dict[str, Any] | None
) -> tuple[str | None, str | None]:
    name, call_id = p.get("tool_name"), p.get("tool_call_id")
    if name is None and attrs.get("traceloop.span.kind") == "tool":
        name = attrs.get("traceloop.entity.name")
    if name is None and operation in INFERENCE_OPERATIONS and content:
        for message in content.get("output_messages") or ():
            for part in (message.get("parts") or ()) if isinstance(message, dict) else ():
                if isinstance(part, dict) and part.get("type") == "tool_call":
                    return _as_str(part.get("name")), _as_str(part.get("id"))
    return _as_str(name), _as_str(call_id)


def _exception(events: list[dict[str, Any]]) -> dict[str, Any]:
    for event in events:
        if event["name"] == "exception":
            return event["attributes"]
    return {}


def _http_status(p: dict[str, Any], message: str, exc: dict[str, Any]) -> int | None:
    status = _as_int(p.get("http_status"))
    if status is None and (message or exc):
        found = _STATUS_IN_TEXT.search(message or str(exc.get("exception.message", "")))
        status = int(found.group(1)) if found else None
    return status


def _error_class(operation: str | None, status: int | None, error_type: str | None) -> str | None:
    if operation == "execute_tool":
        return "tool"
    if status is not None and (status in (408, 429) or status >= 500):
        return "transient"
    if status is not None and 400 <= status < 500:
        return "permanent"
    kind = (error_type or "").rpartition(".")[2].replace("_", "").lower()
    if kind in _TRANSIENT_TYPES:
        return "transient"
    return "permanent" if kind in _PERMANENT_TYPES else None


def _errors(span: RawSpan, p: dict[str, Any], operation: str | None) -> tuple[Any, Any, Any]:
    """(error_type, error_class, http_status)."""
    failed = span.status_code == 2
    exc = _exception(span.events) if failed else {}
    error_type = _as_str(p.get("error_type") or exc.get("exception.type"))
    status = _http_status(p, span.status_message if failed else "", exc)
    sent = p.get("error_class")
    if sent in _ERROR_CLASSES:
        return error_type, sent, status
    if not failed and error_type is None and (status is None or status < 400):
        return error_type, None, status
    return error_type, _error_class(operation, status, error_type), status


def _redaction(attrs: dict[str, Any], p: dict[str, Any]) -> str | None:
    by, dropped = p.get("redaction_by"), p.get("content_dropped")
    if by is None and dropped is None:
        return None  # no key scan for spans nobody redacted
    entities = {
        key[len(_ENTITY_PREFIX) :]: _as_int(value) or 0
        for key, value in attrs.items()
        if key.startswith(_ENTITY_PREFIX)
    }
    return orjson.dumps(
        {"by": by, "entities": entities, "content_dropped": dropped is True}
    ).decode()


_last_resource: tuple[dict[str, Any] | None, str] = (None, "{}")


def _resource_json(resource: dict[str, Any]) -> str:
    # The spans of one request share one resource dict: serialize it once, not per span.
    global _last_resource
    cached, text = _last_resource
    if cached is not resource:
        text = orjson.dumps(resource).decode()
        _last_resource = (resource, text)
    return text


def _events_json(events: list[dict[str, Any]]) -> str:
    if not events:
        return "[]"
    return orjson.dumps(
        [
            {"name": e["name"], "time": _time(e["time_ns"]), "attributes": e["attributes"]}
            for e in events
        ]
    ).decode()


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _agent(attrs: dict[str, Any], p: dict[str, Any]) -> str | None:
    agent = p.get("agent")
    if agent is None and attrs.get("traceloop.span.kind") == "agent":
        agent = attrs.get("traceloop.entity.name")
    return _as_str(agent)


# ---------------------------------------------------------------- content
# Canonical content is the OTel GenAI message shape ({"role", "parts": [...]}) whatever arrived.


def _parsed(value: Any) -> Any:
    """A JSON string's value (content attributes are JSON text), else the value itself."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        parsed = _loads(value)
        return value if parsed is None else parsed
    return value


def _parts(content: Any) -> list[dict[str, Any]]:
    """OTel parts from a plain string or a list of Anthropic content blocks."""
    content = _parsed(content)
    if content is None or content == "":
        return []
    if not isinstance(content, list):
        return [{"type": "text", "content": str(content)}]
    parts = []
    for block in content:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            parts.append({"type": "text", "content": block.get("text", block.get("content"))})
        elif kind == "tool_use":
            parts.append(
                {
                    "type": "tool_call",
                    "id": block.get("id"),
                    "name": block.get("name"),
                    "arguments": block.get("input"),
                }
            )
        elif kind == "tool_result":
            parts.append(
                {
                    "type": "tool_call_response",
                    "id": block.get("tool_use_id"),
                    "response": block.get("content"),
                }
            )
        elif isinstance(block, dict) and "parts" not in block:
            parts.append(block)  # already an OTel part (or unknown): keep as sent
    return parts


def _message(raw: Any) -> Any:
    """One message in OTel shape from an OTel, older {role, content} or block-list message."""
    if not isinstance(raw, dict) or "parts" in raw:
        return raw
    parts = _parts(raw.get("content"))
    for call in raw.get("tool_calls") or ():
        function = call.get("function") or call
        parts.append(
            {
                "type": "tool_call",
                "id": call.get("id"),
                "name": function.get("name"),
                "arguments": _parsed(function.get("arguments")),
            }
        )
    return {"role": raw.get("role"), "parts": parts}


def _messages(value: Any) -> list[Any] | None:
    value = _parsed(value)
    if value is None or value == "":
        return None
    if isinstance(value, str):  # a bare prompt string
        return [{"role": "user", "parts": [{"type": "text", "content": value}]}]
    return [_message(m) for m in (value if isinstance(value, list) else [value])]


def _group(flat: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    """`{prefix}N.rest` keys -> one {rest: value} dict per N, in index order."""
    groups: dict[int, dict[str, Any]] = {}
    for key, value in flat.items():
        if key.startswith(prefix):
            index, _, rest = key[len(prefix) :].partition(".")
            if index.isdigit():
                groups.setdefault(int(index), {})[rest] = value
    return [groups[i] for i in sorted(groups)]


def _indexed_message(flat: dict[str, Any]) -> dict[str, Any]:
    """OpenInference `message.*` or OpenLLMetry-legacy `role/content/tool_calls.M.*` keys."""
    flat = {k.removeprefix("message."): v for k, v in flat.items()}
    parts = _parts(flat.get("content"))
    if not parts:
        for block in _group(flat, "contents."):
            if block.get("message_content.type") == "text":
                parts.append({"type": "text", "content": block.get("message_content.text")})
    for call in _group(flat, "tool_calls."):
        call = {k.removeprefix("tool_call."): v for k, v in call.items()}
        parts.append(
            {
                "type": "tool_call",
                "id": call.get("id"),
                "name": call.get("function.name", call.get("name")),
                "arguments": _parsed(call.get("function.arguments", call.get("arguments"))),
            }
        )
    if flat.get("tool_call_id"):
        parts = [
            {
                "type": "tool_call_response",
                "id": flat["tool_call_id"],
                "response": flat.get("content"),
            }
        ]
    message = {"role": flat.get("role"), "parts": parts}
    if flat.get("finish_reason"):
        message["finish_reason"] = flat["finish_reason"]
    return message


_EVENT_ROLES = {
    "gen_ai.system.message": "system",
    "gen_ai.user.message": "user",
    "gen_ai.assistant.message": "assistant",
    "gen_ai.tool.message": "tool",
}


def _event_messages(events: list[dict[str, Any]]) -> tuple[list[Any] | None, list[Any] | None]:
    """Older OTel GenAI: one span event per message, `gen_ai.choice` per completion."""
    inputs, outputs = [], []
    for event in events:
        attrs, name = event["attributes"], event["name"]
        body = _parsed(attrs.get("gen_ai.event.content", attrs.get("message")))
        body = body if isinstance(body, dict) else {"content": attrs.get("content", body)}
        if name in _EVENT_ROLES:
            inputs.append(_message({"role": _EVENT_ROLES[name], **body}))
        elif name == "gen_ai.choice":
            outputs.append(_message({"role": "assistant", **body}))
    return inputs or None, outputs or None


def _family_messages(attrs: dict[str, Any], events: list[dict[str, Any]]) -> tuple[Any, Any]:
    for prompt, completion in (
        ("llm.input_messages.", "llm.output_messages."),
        ("gen_ai.prompt.", "gen_ai.completion."),
    ):
        if (
            prompt + "0.message.role" in attrs
            or prompt + "0.role" in attrs
            or completion + "0.message.role" in attrs
            or completion + "0.role" in attrs
        ):
            inputs = [_indexed_message(m) for m in _group(attrs, prompt)] or None
            outputs = [_indexed_message(m) for m in _group(attrs, completion)] or None
            return inputs, outputs
    return _event_messages(events) if events else (None, None)


def _split_system(inputs: list[Any] | None) -> tuple[Any, list[Any] | None]:
    """Move system-role messages out of the input, where OpenInference/OpenLLMetry put them."""
    if not inputs:
        return None, inputs
    system = [
        p
        for m in inputs
        if isinstance(m, dict) and m.get("role") == "system"
        for p in m.get("parts") or ()
    ]
    if not system:
        return None, inputs
    return system, [m for m in inputs if not (isinstance(m, dict) and m.get("role") == "system")]


def _tool_io(attrs: dict[str, Any], p: dict[str, Any], operation: str | None) -> tuple[Any, Any]:
    arguments, result = p.get("tool_arguments"), p.get("tool_result")
    if operation == "execute_tool":  # these keys mean tool I/O only on tool spans
        if arguments is None:
            arguments = attrs.get("traceloop.entity.input") or attrs.get("input.value")
        if result is None:
            result = attrs.get("traceloop.entity.output") or attrs.get("output.value")
    return _parsed(arguments), _parsed(result)


def build_content(
    attrs: dict[str, Any],
    events: list[dict[str, Any]],
    operation: str | None,
    picked: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Canonical content {system, input_messages, output_messages, tool_arguments, tool_result}."""
    p = _pick(attrs) if picked is None else picked
    system = _parsed(p.get("system"))
    inputs, outputs = _messages(p.get("input_messages")), _messages(p.get("output_messages"))
    if inputs is None and outputs is None:
        for event in events:  # newest OTel: content on one "operation.details" event
            if event["name"] == "gen_ai.client.inference.operation.details":
                return build_content(event["attributes"], [], operation)
        inputs, outputs = _family_messages(attrs, events)
    if system is None:
        system, inputs = _split_system(inputs)
    elif isinstance(system, str):
        system = [{"type": "text", "content": system}]
    arguments, result = _tool_io(attrs, p, operation)
    if (
        system is None
        and inputs is None
        and outputs is None
        and arguments is None
        and result is None
    ):
        return None
    return {
        "system": system,
        "input_messages": inputs,
        "output_messages": outputs,
        "tool_arguments": arguments,
        "tool_result": result,
    }


# ---------------------------------------------------------------- record


def to_record(span: RawSpan, project: str, received_at: datetime) -> dict[str, Any]:
    """The canonical record (keys = `collector.schema.FIELD_NAMES`) of one span."""
    attrs = span.attributes
    p = _pick(attrs)
    operation = _operation(span.name, p)
    request_model, response_model = _models(attrs, p)
    content = build_content(attrs, span.events, operation, p)
    inference = operation in INFERENCE_OPERATIONS
    tokens = _usage(p) if inference else (None, None, None, None)
    tool_name, tool_call_id = _tool(operation, attrs, p, content)
    error_type, error_class, http_status = _errors(span, p, operation)
    provider = p.get("provider")
    end = _time(span.end_ns)
    return {
        "project": project,
        "trace_id": span.trace_id,
        "span_id": span.span_id,
        "parent_span_id": span.parent_span_id,
        "service_name": _as_str(span.resource.get("service.name")),
        "name": span.name,
        "kind": _KINDS[span.kind] if 0 <= span.kind < 6 else "unspecified",
        "start_time": _time(span.start_ns),
        "end_time": end,
        "duration_ms": max(span.end_ns - span.start_ns, 0) / 1e6 if end is not None else None,
        "status": _STATUS[span.status_code] if 0 <= span.status_code < 3 else "unset",
        "status_message": span.status_message or None,
        "operation": operation,
        "provider": provider.lower() if isinstance(provider, str) else None,
        "request_model": request_model,
        "response_model": response_model,
        "input_tokens": tokens[0],
        "output_tokens": tokens[1],
        "cache_read_tokens": tokens[2],
        "cache_write_tokens": tokens[3],
        "cost_usd": _cost(p, response_model or request_model, tokens) if inference else None,
        "finish_reason": _finish_reason(p, content) if inference else None,
        "tool_name": tool_name,
        "tool_call_id": tool_call_id,
        "agent_name": _agent(attrs, p),
        "user_id": _as_str(p.get("user")),
        "session_id": _as_str(p.get("session")),
        "tenant_id": _as_str(p.get("tenant")),
        "task_id": _as_str(p.get("task")),
        "error_type": error_type,
        "error_class": error_class,
        "http_status": http_status,
        "attributes": orjson.dumps(attrs).decode(),
        "resource": _resource_json(span.resource),
        "events": _events_json(span.events),
        "links": _json(span.links) or "[]",
        "content": _json(content),
        "redaction": _redaction(attrs, p),
        "received_at": received_at,
    }
