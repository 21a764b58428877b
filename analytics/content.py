"""Reading the `content` and `attributes` columns: messages, tool calls, offered tools.

Messages follow the OTel GenAI shape (`{"role", "parts": [{"type": "text", "content"}, ...]}`);
Anthropic-shaped blocks (`{"role", "content": [{"type": "tool_use", "input"}, ...]}`) are read
too, because other emitters store them that way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Attribute names under which emitters put the tools offered in a request.
_TOOL_DEFINITIONS = ("gen_ai.tool.definitions", "gen_ai.request.tools", "llm.tools")
_TOOL_NAMES = ("tracevault.request.tools", "gen_ai.request.tool_names")


def loads(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def canonical(value: Any) -> str:
    """Equal arguments give equal text whatever their key order or JSON spacing."""
    return json.dumps(loads(value), sort_keys=True, separators=(",", ":"), default=str)


def messages(content: dict[str, Any] | None, key: str) -> list[dict[str, Any]]:
    found = loads((content or {}).get(key))
    return [m for m in found if isinstance(m, dict)] if isinstance(found, list) else []


def parts(message: dict[str, Any]) -> list[dict[str, Any]]:
    raw = message.get("parts")
    if raw is None:
        raw = message.get("content")
    if isinstance(raw, str):
        return [{"type": "text", "content": raw}]
    return [p for p in raw if isinstance(p, dict)] if isinstance(raw, list) else []


def part_text(part: dict[str, Any]) -> str | None:
    value = part.get("content", part.get("text"))
    if isinstance(value, list):  # Anthropic tool_result content blocks
        return "\n".join(t for b in value if isinstance(b, dict) and (t := part_text(b)))
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class ToolCall:
    name: str
    arguments: Any
    call_id: str | None


def tool_calls(output_messages: list[dict[str, Any]]) -> Iterator[ToolCall]:
    for message in output_messages:
        for part in parts(message):
            if part.get("type") in ("tool_call", "tool_use") and part.get("name"):
                args = part.get("arguments", part.get("input"))
                yield ToolCall(str(part["name"]), loads(args), part.get("id"))


def tool_responses(input_messages: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    """(source, text) of tool results the model was shown; web fetches count as fetched."""
    for message in input_messages:
        for part in parts(message):
            kind = part.get("type")
            if kind in ("tool_call_response", "tool_result", "server_tool_call_response"):
                value = part.get("response", part.get("result", part.get("content")))
                text = value if isinstance(value, str) else part_text({"content": value})
                if not text and value is not None:
                    text = canonical(value)
                if text:
                    yield ("fetched" if kind == "server_tool_call_response" else "tool_result",
                           text)  # fmt: skip


def user_texts(input_messages: list[dict[str, Any]]) -> Iterator[str]:
    for message in input_messages:
        if message.get("role") == "user":
            for part in parts(message):
                if part.get("type", "text") == "text" and (text := part_text(part)):
                    yield text


def offered_tools(attributes: dict[str, Any]) -> dict[str, dict[str, Any] | None] | None:
    """Tool name -> input schema (None when only the name is known); None if not recorded."""
    for key in _TOOL_DEFINITIONS:
        defs = loads(attributes.get(key))
        if isinstance(defs, list):
            return {n: s for d in defs if (n := _tool_name(d)) for s in [_tool_schema(d)]}
    for key in _TOOL_NAMES:
        names = loads(attributes.get(key))
        if isinstance(names, list):
            return {str(n): None for n in names}
    return None


def _tool_name(definition: Any) -> str | None:
    if isinstance(definition, str):
        return definition
    if not isinstance(definition, dict):
        return None
    name = definition.get("name") or (definition.get("function") or {}).get("name")
    return str(name) if name else None


def _tool_schema(definition: Any) -> dict[str, Any] | None:
    if not isinstance(definition, dict):
        return None
    for key in ("input_schema", "parameters", "json_schema"):
        schema = loads(definition.get(key))
        if isinstance(schema, dict):
            return schema
    function = definition.get("function")
    return _tool_schema(function) if isinstance(function, dict) else None
