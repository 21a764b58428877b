"""The Messages API's server-sent event sequence for one complete message.

message_start (empty content, input usage, output_tokens 1), then per content block
content_block_start / content_block_delta* / content_block_stop (a `ping` after the first start,
as the API sends), then message_delta (stop_reason + cumulative usage) and message_stop.
"""

from __future__ import annotations

import json
from typing import Any


def sse_bytes(event: dict[str, Any]) -> bytes:
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


def reply_events(
    message: dict[str, Any], chunk_size: int = 8, fail_after: int | None = None
) -> list[dict[str, Any]]:
    """Every event of `message` streamed; `fail_after` N events replaces the rest with an error."""
    events = [_message_start(message)]
    for index, block in enumerate(message["content"]):
        events.extend(_block_events(index, block, chunk_size))
        if index == 0:
            events.insert(2, {"type": "ping"})
    usage = message["usage"]
    events.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
            "usage": {
                k: v for k, v in usage.items() if k not in ("cache_creation", "service_tier")
            },
        }
    )
    events.append({"type": "message_stop"})
    if fail_after is not None:
        error = {"type": "overloaded_error", "message": "Overloaded"}
        events = [*events[:fail_after], {"type": "error", "error": error}]
    return events


def _message_start(message: dict[str, Any]) -> dict[str, Any]:
    usage = {**message["usage"], "output_tokens": 1}
    start = {**message, "content": [], "stop_reason": None, "usage": usage}
    return {"type": "message_start", "message": start}


def _block_events(index: int, block: dict[str, Any], size: int) -> list[dict[str, Any]]:
    kind = block["type"]
    if kind == "text":
        empty: dict[str, Any] = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": part} for part in _chunks(block["text"], size)]
    elif kind == "tool_use":
        empty = {**block, "input": {}}
        payload = json.dumps(block["input"])
        deltas = [{"type": "input_json_delta", "partial_json": p} for p in _chunks(payload, size)]
    elif kind == "thinking":
        empty = {"type": "thinking", "thinking": "", "signature": ""}
        deltas = [
            {"type": "thinking_delta", "thinking": p} for p in _chunks(block["thinking"], size)
        ]
        deltas.append({"type": "signature_delta", "signature": block["signature"]})
    else:
        empty, deltas = block, []
    start = {"type": "content_block_start", "index": index, "content_block": empty}
    middle = [{"type": "content_block_delta", "index": index, "delta": d} for d in deltas]
    return [start, *middle, {"type": "content_block_stop", "index": index}]


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]
