"""Pure parsing of recorded bodies: SSE into one accumulated message, JSONL into results.

`accumulate(chunks)` rebuilds the message the Messages API streamed, the way the SDK's
`MessageStream` does (text, tool_use input from input_json_delta, thinking, usage from
message_start overlaid by message_delta), and notes when the first content delta arrived
(time to first token) and whether an `error` event ended the stream.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Streamed", "accumulate", "iter_events", "iter_jsonl"]


@dataclass
class Streamed:
    message: dict[str, Any] | None = None
    first_delta_ns: int | None = None
    error: dict[str, Any] | None = None  # the `error` object of an error event
    stopped: bool = False  # message_stop seen
    events: int = 0
    _json: dict[int, list[str]] = field(default_factory=dict)


def iter_events(chunks: Iterable[tuple[int, bytes]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(arrival time of the chunk that completed it, decoded data) per SSE event."""
    buffer = b""
    for arrived, chunk in chunks:
        buffer += chunk
        *complete, buffer = buffer.replace(b"\r\n", b"\n").split(b"\n\n")
        for raw in complete:
            data = _data(raw)
            if data is not None:
                yield arrived, data


def _data(raw: bytes) -> dict[str, Any] | None:
    lines = [line[5:].lstrip() for line in raw.split(b"\n") if line.startswith(b"data:")]
    if not lines:
        return None
    try:
        data = json.loads(b"\n".join(lines))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def accumulate(chunks: Iterable[tuple[int, bytes]]) -> Streamed:
    state = Streamed()
    for arrived, event in iter_events(chunks):
        state.events += 1
        _apply(state, arrived, event)
    _finish_json(state)
    return state


def _apply(state: Streamed, arrived: int, event: dict[str, Any]) -> None:
    kind = event.get("type")
    if kind == "message_start":
        state.message = dict(event.get("message") or {})
        state.message["content"] = []
    elif kind == "error":
        state.error = event.get("error") or {}
    elif kind == "message_stop":
        state.stopped = True
    elif state.message is not None:
        _apply_to_message(state, arrived, event)


def _apply_to_message(state: Streamed, arrived: int, event: dict[str, Any]) -> None:
    message, kind = state.message, event.get("type")
    assert message is not None
    if kind == "content_block_start":
        message["content"].append(dict(event.get("content_block") or {}))
    elif kind == "content_block_delta":
        if state.first_delta_ns is None:
            state.first_delta_ns = arrived
        _apply_delta(state, event.get("index", 0), event.get("delta") or {})
    elif kind == "message_delta":
        message.update({k: v for k, v in (event.get("delta") or {}).items()})
        usage = dict(message.get("usage") or {})
        usage.update({k: v for k, v in (event.get("usage") or {}).items() if v is not None})
        message["usage"] = usage


def _apply_delta(state: Streamed, index: int, delta: dict[str, Any]) -> None:
    content = state.message["content"] if state.message else []
    if index >= len(content):
        return
    block, kind = content[index], delta.get("type")
    if kind == "text_delta":
        block["text"] = block.get("text", "") + delta.get("text", "")
    elif kind == "input_json_delta":
        state._json.setdefault(index, []).append(delta.get("partial_json", ""))
    elif kind == "thinking_delta":
        block["thinking"] = block.get("thinking", "") + delta.get("thinking", "")
    elif kind == "signature_delta":
        block["signature"] = delta.get("signature", "")


def _finish_json(state: Streamed) -> None:
    if state.message is None:
        return
    for index, parts in state._json.items():
        text = "".join(parts)
        try:
            state.message["content"][index]["input"] = json.loads(text) if text else {}
        except ValueError:
            state.message["content"][index]["input"] = text  # a stream cut mid-JSON


def iter_jsonl(chunks: Iterable[tuple[int, bytes]]) -> Iterator[dict[str, Any]]:
    """Decoded objects of a JSON Lines body; undecodable lines are skipped."""
    body = b"".join(chunk for _, chunk in chunks)
    for line in body.splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            yield value
