"""Streaming surfaces: the span ends when the stream is consumed, closed or abandoned."""

from __future__ import annotations

import asyncio
import gc
import json

import anthropic
import pytest
from opentelemetry.trace import StatusCode

from sample_data.mock import MockUsage, Reply, text_block, tool_use_block
from tests.instrument.conftest import USER, Traced

MODEL = "claude-haiku-4-5"
REPLY = Reply(
    content=(
        text_block("Sunny in Paris today."),
        tool_use_block("get_weather", {"city": "Paris"}, "toolu_7"),
    ),
    stop_reason="tool_use",
    usage=MockUsage(40, 12, cache_read=8),
)


def _assert_full_stream_span(traced: Traced) -> None:
    span = traced.only()
    attrs = span.attributes
    assert span.name == f"chat {MODEL}"
    assert span.status.status_code == StatusCode.OK
    assert attrs["gen_ai.request.stream"] is True
    assert attrs["tracevault.stream.outcome"] == "completed"
    assert attrs["gen_ai.response.id"] == "msg_mock_0001"
    assert attrs["gen_ai.response.finish_reasons"] == ("tool_use",)
    assert attrs["gen_ai.usage.input_tokens"] == 48
    assert attrs["gen_ai.usage.output_tokens"] == 12
    assert attrs["gen_ai.usage.cache_read.input_tokens"] == 8
    assert attrs["tracevault.response.tool_call.ids"] == ("toolu_7",)
    assert (
        0 < attrs["gen_ai.response.time_to_first_chunk"] <= (span.end_time - span.start_time) / 1e9
    )
    output = json.loads(attrs["gen_ai.output.messages"])
    assert output == [
        {
            "role": "assistant",
            "finish_reason": "tool_call",
            "parts": [
                {"type": "text", "content": "Sunny in Paris today."},
                {
                    "type": "tool_call",
                    "id": "toolu_7",
                    "name": "get_weather",
                    "arguments": {"city": "Paris"},
                },
            ],
        }
    ]
    # haiku-4-5: 40 x $1 + 12 x $5 + 8 x $0.1 per MTok
    assert attrs["tracevault.cost.usd"] == pytest.approx(0.0001008, abs=1e-12)


def test_create_stream_true_ends_span_when_consumed(traced: Traced) -> None:
    traced.mock.queue(REPLY)
    stream = traced.mock.client().messages.create(
        model=MODEL, max_tokens=50, messages=USER, stream=True
    )
    assert traced.spans() == []  # not over until the stream is read
    events = [event.type for event in stream]
    assert events[-1] == "message_stop"
    _assert_full_stream_span(traced)


def test_create_stream_true_ends_span_when_async_consumed(traced: Traced) -> None:
    traced.mock.queue(REPLY)

    async def run() -> None:
        client = traced.mock.async_client()
        stream = await client.messages.create(
            model=MODEL, max_tokens=50, messages=USER, stream=True
        )
        async for _ in stream:
            pass

    asyncio.run(run())
    _assert_full_stream_span(traced)


def test_stream_helper_emits_one_span_when_sync_context_manager(traced: Traced) -> None:
    traced.mock.queue(REPLY)
    client = traced.mock.client()
    with client.messages.stream(model=MODEL, max_tokens=50, messages=USER) as stream:
        stream.get_final_message()
    _assert_full_stream_span(traced)


def test_stream_helper_emits_one_span_when_async_context_manager(traced: Traced) -> None:
    traced.mock.queue(REPLY)

    async def run() -> None:
        client = traced.mock.async_client()
        async with client.messages.stream(model=MODEL, max_tokens=50, messages=USER) as stream:
            await stream.get_final_message()

    asyncio.run(run())
    _assert_full_stream_span(traced)


def test_early_break_ends_span_closed_early_when_stream_closed(traced: Traced) -> None:
    traced.mock.queue(Reply.text("a long answer " * 20, chunk_size=4))
    stream = traced.mock.client().messages.create(
        model=MODEL, max_tokens=50, messages=USER, stream=True
    )
    for event in stream:
        if event.type == "content_block_delta":
            break
    stream.close()
    span = traced.only()
    assert span.attributes["tracevault.stream.outcome"] == "closed_early"
    assert span.attributes["gen_ai.usage.input_tokens"] == 10  # from message_start
    assert "gen_ai.response.finish_reasons" not in span.attributes
    assert span.status.status_code == StatusCode.OK


def test_early_break_ends_span_when_stream_abandoned(traced: Traced) -> None:
    traced.mock.queue(Reply.text("abandoned " * 20, chunk_size=4))
    stream = traced.mock.client().messages.create(
        model=MODEL, max_tokens=50, messages=USER, stream=True
    )
    for _ in stream:
        break
    del stream
    gc.collect()
    assert traced.only().attributes["tracevault.stream.outcome"] == "closed_early"


def test_error_event_marks_span_failed_when_stream_breaks_midway(traced: Traced) -> None:
    traced.mock.queue(Reply(fail_after_events=3))
    with pytest.raises(anthropic.APIStatusError):
        for _ in traced.mock.client().messages.create(
            model=MODEL, max_tokens=50, messages=USER, stream=True
        ):
            pass
    span = traced.only()
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes["error.type"] == "overloaded_error"
    assert span.attributes["tracevault.error.class"] == "transient"
