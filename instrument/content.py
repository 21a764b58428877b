"""Pure conversion of Anthropic content into the OTel GenAI message shape (role + parts).

`gen_ai.system_instructions`: a JSON array of parts; `gen_ai.input.messages` /
`gen_ai.output.messages`: JSON arrays of `{role, parts[, finish_reason]}`. Part types: text
(`content`), tool_call (`id`, `name`, `arguments`), tool_call_response (`id`, `response`),
reasoning (`content`), blob / uri (media; base64 data is never copied), server_tool_call,
server_tool_call_response. `REDACTABLE` names the part fields that hold content: only those
go through the redaction hook, so ids, roles and names stay exact.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = [
    "REDACTABLE",
    "content_slots",
    "finish_reason",
    "input_messages",
    "output_messages",
    "system_instructions",
]

REDACTABLE = ("content", "arguments", "response", "uri")
_FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_call",
    "refusal": "content_filter",
}


def finish_reason(stop_reason: Any) -> str:
    return _FINISH.get(stop_reason, "error" if stop_reason is None else str(stop_reason))


def system_instructions(body: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    system = body.get("system")
    if not system:
        return None
    return parts_of(system)


def input_messages(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    messages = body.get("messages") or []
    return [
        {"role": str(m.get("role", "user")), "parts": parts_of(m.get("content"))}
        for m in messages
        if isinstance(m, Mapping)
    ]


def output_messages(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "role": "assistant",
            "parts": parts_of(message.get("content")),
            "finish_reason": finish_reason(message.get("stop_reason")),
        }
    ]


def parts_of(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "content": content}]
    if not isinstance(content, list | tuple):
        return []
    return [_part(_as_mapping(block)) for block in content]


def _as_mapping(block: Any) -> Mapping[str, Any]:
    if isinstance(block, Mapping):
        return block
    dump = getattr(block, "model_dump", None)  # SDK models passed as params
    return dump(mode="json") if callable(dump) else {"type": "text", "text": str(block)}


def _part(block: Mapping[str, Any]) -> dict[str, Any]:
    kind = block.get("type")
    if kind == "text":
        return {"type": "text", "content": str(block.get("text", ""))}
    if kind == "tool_use":
        return {
            "type": "tool_call",
            "id": block.get("id"),
            "name": block.get("name"),
            "arguments": block.get("input"),
        }
    if kind == "tool_result":
        return {
            "type": "tool_call_response",
            "id": block.get("tool_use_id"),
            "response": _result_text(block.get("content")),
        }
    if kind in ("thinking", "redacted_thinking"):
        return {"type": "reasoning", "content": str(block.get("thinking", ""))}
    if kind in ("image", "document"):
        return _media(kind, block.get("source"))
    if kind == "server_tool_use":
        return {
            "type": "server_tool_call",
            "id": block.get("id"),
            "name": block.get("name"),
            "arguments": block.get("input"),
        }
    if isinstance(kind, str) and kind.endswith("_tool_result"):
        return {
            "type": "server_tool_call_response",
            "id": block.get("tool_use_id"),
            "response": block.get("content"),
        }
    return {"type": str(kind)}


def _result_text(content: Any) -> Any:
    """A tool result as text when it is text blocks; media inside it is described, not copied."""
    if isinstance(content, list):
        parts = [_part(_as_mapping(b)) for b in content]
        texts = [p["content"] for p in parts if p["type"] == "text"]
        return "\n".join(texts) if len(texts) == len(parts) else parts
    return content


def _media(kind: str, source: Any) -> dict[str, Any]:
    source = source if isinstance(source, Mapping) else {}
    modality = "image" if kind == "image" else "document"
    if source.get("type") == "url":
        return {"type": "uri", "modality": modality, "uri": source.get("url")}
    return {"type": "blob", "modality": modality, "mime_type": source.get("media_type")}


def content_slots(messages: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], str]]:
    """(part, field) of every redactable value, in a stable order."""
    for message in messages:
        for part in message.get("parts", [message]):
            for key in REDACTABLE:
                if part.get(key) is not None:
                    yield part, key
