"""Canonical content {system, input_messages, output_messages, tool_arguments, tool_result}.

Canonical messages are the OTel GenAI shape ({"role", "parts": [...]}) whatever arrived: OTel
JSON attributes, older {role, content} or Anthropic block lists, OpenInference/OpenLLMetry
indexed keys, or the older one-event-per-message conventions.
"""

from __future__ import annotations

from typing import Any

from collector.normalize.slots import CONTENT_SLOTS, loads, pick, winner


def _parsed(value: Any) -> Any:
    """A JSON string's value (content attributes are JSON text), else the value itself."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        parsed = loads(value)
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


def _fallback(attrs: dict[str, Any], first: str, second: str) -> tuple[Any, list[str]]:
    """`attrs[first] or attrs[second]`, with the key the value came from (none if falsy)."""
    value = attrs.get(first) or attrs.get(second)
    if not value:
        return value, []
    return value, [first if attrs.get(first) else second]


def _tool_io(
    attrs: dict[str, Any], p: dict[str, Any], operation: str | None
) -> tuple[Any, Any, list[str]]:
    arguments, result, keys = p.get("tool_arguments"), p.get("tool_result"), []
    if operation == "execute_tool":  # these keys mean tool I/O only on tool spans
        if arguments is None:
            arguments, keys = _fallback(attrs, "traceloop.entity.input", "input.value")
        if result is None:
            result, more = _fallback(attrs, "traceloop.entity.output", "output.value")
            keys += more
    return _parsed(arguments), _parsed(result), keys


def build_content(
    attrs: dict[str, Any],
    events: list[dict[str, Any]],
    operation: str | None,
    picked: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Canonical content {system, input_messages, output_messages, tool_arguments, tool_result}."""
    return content_and_sources(attrs, events, operation, picked)[0]


def content_and_sources(
    attrs: dict[str, Any],
    events: list[dict[str, Any]],
    operation: str | None,
    picked: dict[str, Any] | None = None,
) -> tuple[dict[str, Any] | None, list[str]]:
    """The canonical content and the attribute names whose values it holds (so the record
    can leave them out of `attributes` instead of storing the content twice)."""
    p = pick(attrs) if picked is None else picked
    system = _parsed(p.get("system"))
    inputs, outputs = _messages(p.get("input_messages")), _messages(p.get("output_messages"))
    if inputs is None and outputs is None:
        for event in events:  # newest OTel: content on one "operation.details" event
            if event["name"] == "gen_ai.client.inference.operation.details":
                return build_content(event["attributes"], [], operation), []
        inputs, outputs = _family_messages(attrs, events)
    if system is None:
        system, inputs = _split_system(inputs)
    elif isinstance(system, str):
        system = [{"type": "text", "content": system}]
    arguments, result, tool_keys = _tool_io(attrs, p, operation)
    if all(value is None for value in (system, inputs, outputs, arguments, result)):
        return None, []
    content = {
        "system": system,
        "input_messages": inputs,
        "output_messages": outputs,
        "tool_arguments": arguments,
        "tool_result": result,
    }
    sources = [key for slot in CONTENT_SLOTS if slot in p and (key := winner(attrs, slot))]
    return content, sources + tool_keys
