"""A span's redacted content as a conversation: system, user, assistant and tool turns, with
each tool call shown next to its result (matched by call id) rather than turns apart.

`turns()` is pure (tested on its own); `render()` draws the turns with st.chat_message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

AVATARS = {"system": ":material/settings:", "user": ":material/person:",
           "assistant": ":material/smart_toy:", "tool": ":material/build:"}  # fmt: skip


@dataclass
class ToolUse:
    call_id: str | None
    name: str
    arguments: Any
    result: Any = None
    answered: bool = False


@dataclass
class Turn:
    role: str
    texts: list[str] = field(default_factory=list)
    tool_uses: list[ToolUse] = field(default_factory=list)
    results: list[tuple[str | None, Any]] = field(default_factory=list)  # unmatched results


def _text_of(part: dict[str, Any]) -> str | None:
    kind = part.get("type")
    if kind in ("text", "reasoning"):
        return part.get("content")
    if kind in ("blob", "uri", "file"):
        return f"[{kind}: {part.get('mime_type') or part.get('uri') or 'attachment'}]"
    return None


def _messages(content: dict[str, Any]) -> list[dict[str, Any]]:
    system = content.get("system") or []
    system = system if isinstance(system, list) else [system]
    parts = [p if isinstance(p, dict) else {"type": "text", "content": str(p)} for p in system]
    msgs = [{"role": "system", "parts": parts}] if parts else []
    return msgs + list(content.get("input_messages") or []) + list(
        content.get("output_messages") or [])  # fmt: skip


def turns(content: dict[str, Any] | None, tool_name: str | None = None) -> list[Turn]:
    """Messages in order; a tool result is attached to the call it answers when there is one."""
    if not content:
        return []
    out: list[Turn] = []
    calls: dict[str, ToolUse] = {}
    for msg in _messages(content):
        turn = Turn(str(msg.get("role") or "unknown"))
        for part in msg.get("parts") or []:
            _add_part(turn, part, calls)
        if turn.texts or turn.tool_uses or turn.results:
            out.append(turn)
    if content.get("tool_arguments") is not None or content.get("tool_result") is not None:
        out.append(Turn("tool", tool_uses=[ToolUse(None, tool_name or "tool",
                                                   content.get("tool_arguments"),
                                                   content.get("tool_result"), True)]))
    return out


def _add_part(turn: Turn, part: dict[str, Any], calls: dict[str, ToolUse]) -> None:
    kind = part.get("type")
    if kind in ("tool_call", "server_tool_call"):
        use = ToolUse(part.get("id"), str(part.get("name")), part.get("arguments"))
        turn.tool_uses.append(use)
        if use.call_id:
            calls[use.call_id] = use
    elif kind in ("tool_call_response", "server_tool_call_response"):
        result = part.get("response", part.get("result"))
        use = calls.get(part.get("id") or "")
        if use is not None and not use.answered:
            use.result, use.answered = result, True
        else:
            turn.results.append((part.get("id"), result))
    elif (text := _text_of(part)) is not None:
        turn.texts.append(text)


def pretty(value: Any) -> tuple[str, str | None]:
    """Text to show and its highlighting: JSON indented, anything else as plain wrapped text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value, None
    return json.dumps(value, indent=2, ensure_ascii=False), "json"


def _code(where: Any, value: Any) -> None:
    text, language = pretty(value)
    where.code(text, language=language, wrap_lines=True)


def render(items: list[Turn]) -> None:
    for turn in items:
        with st.chat_message(turn.role, avatar=AVATARS.get(turn.role)):
            st.caption(turn.role)
            for text in turn.texts:
                st.markdown(text)
            for use in turn.tool_uses:
                _render_tool_use(use)
            for call_id, result in turn.results:
                st.caption(f"result of {call_id or 'a call'} (its call is not in this span)")
                _code(st, result)


def _render_tool_use(use: ToolUse) -> None:
    call, result = st.columns(2)
    ident = f" · {use.call_id}" if use.call_id else ""
    call.caption(f":material/build: call `{use.name}`{ident}")
    _code(call, use.arguments)
    result.caption(":material/reply: result" if use.answered else "no result in this span")
    if use.answered:
        _code(result, use.result)
