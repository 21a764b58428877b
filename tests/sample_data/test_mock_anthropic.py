"""The mock API behaves like the real one as far as the SDK can tell, through both doors."""

from __future__ import annotations

import asyncio
import json

import anthropic
import httpx2
import pytest

from sample_data.mock import (
    ApiError,
    Disconnect,
    MockAnthropic,
    MockUsage,
    Reply,
    TokenCount,
    text_block,
    tool_use_block,
)
from sample_data.mock.sse import reply_events

USER = [{"role": "user", "content": "hi"}]


def _create(client: anthropic.Anthropic, **kwargs: object) -> object:
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=USER, **kwargs)


def test_reply_parses_into_message_with_usage_when_json() -> None:
    usage = MockUsage(100, 20, cache_read=50, cache_write_5m=7, cache_write_1h=3)
    mock = MockAnthropic().queue(Reply.text("hello", usage=usage))
    message = _create(mock.client())
    assert message.id == "msg_mock_0001"
    assert message.content[0].text == "hello"
    assert message.usage.input_tokens == 100
    assert message.usage.cache_read_input_tokens == 50
    assert message.usage.cache_creation_input_tokens == 10
    assert message.usage.cache_creation.ephemeral_1h_input_tokens == 3


def test_request_id_header_counts_every_request_when_served() -> None:
    mock = MockAnthropic()
    raw = mock.client().messages.with_raw_response.create(model="m", max_tokens=5, messages=USER)
    assert raw.headers["request-id"] == "req_mock_0001"
    assert mock.requests[0].path == "/v1/messages"
    assert mock.requests[0].body["model"] == "m"


def test_queue_retries_429_then_succeeds_when_scripted() -> None:
    mock = MockAnthropic().queue(ApiError(429), ApiError(529), Reply.text("ok"))
    raw = mock.client(max_retries=2).messages.with_raw_response.create(
        model="m", max_tokens=5, messages=USER
    )
    assert raw.retries_taken == 2
    assert raw.parse().content[0].text == "ok"
    assert len(mock.requests) == 3


@pytest.mark.parametrize(
    ("status", "error_class", "error_type"),
    [
        (400, anthropic.BadRequestError, "invalid_request_error"),
        (401, anthropic.AuthenticationError, "authentication_error"),
        (403, anthropic.PermissionDeniedError, "permission_error"),
        (404, anthropic.NotFoundError, "not_found_error"),
        (413, anthropic.APIStatusError, "request_too_large"),
        (429, anthropic.RateLimitError, "rate_limit_error"),
        (500, anthropic.InternalServerError, "api_error"),
        (529, anthropic.APIStatusError, "overloaded_error"),  # 1.x: not an InternalServerError
    ],
)
def test_error_raises_sdk_class_with_body_type_when_scripted(
    status: int, error_class: type[Exception], error_type: str
) -> None:
    mock = MockAnthropic().queue(ApiError(status, "nope"))
    with pytest.raises(error_class) as caught:
        _create(mock.client(max_retries=0))
    assert caught.value.status_code == status
    assert caught.value.body["error"] == {"type": error_type, "message": "nope"}
    assert caught.value.type == error_type
    assert caught.value.request_id == "req_mock_0001"


def test_disconnect_raises_connection_error_when_scripted() -> None:
    mock = MockAnthropic().queue(Disconnect())
    with pytest.raises(anthropic.APIConnectionError):
        _create(mock.client(max_retries=0))


def test_stream_yields_exact_event_sequence_when_stream_true() -> None:
    reply = Reply(
        content=(
            text_block("Hi there"),
            tool_use_block("get_weather", {"city": "Paris"}, "toolu_1"),
        ),
        stop_reason="tool_use",
        chunk_size=4,
    )
    mock = MockAnthropic().queue(reply)
    events = [event.type for event in _create(mock.client(), stream=True)]
    assert events == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "content_block_start",
        *["content_block_delta"] * 5,
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]


def test_stream_accumulates_to_same_message_when_using_stream_helper() -> None:
    usage = MockUsage(12, 34, cache_read=5)
    mock = MockAnthropic().queue(Reply.tool_use("lookup", {"q": "x" * 30}, "toolu_9", usage=usage))
    client = mock.client()
    with client.messages.stream(model="m", max_tokens=5, messages=USER) as stream:
        final = stream.get_final_message()
    assert final.content[0].input == {"q": "x" * 30}
    assert final.usage.output_tokens == 34
    assert final.usage.cache_read_input_tokens == 5
    assert final.stop_reason == "tool_use"


def test_reply_events_start_with_ping_after_first_block_when_built() -> None:
    message = {
        "id": "m1",
        "content": [text_block("ab")],
        "stop_reason": "end_turn",
        "usage": MockUsage().to_api(),
        "model": "m",
    }
    events = [e["type"] for e in reply_events(message, chunk_size=1)]
    assert events[:3] == ["message_start", "content_block_start", "ping"]
    assert reply_events(message, fail_after=2)[-1]["type"] == "error"


def test_stream_error_event_raises_when_failing_midway() -> None:
    mock = MockAnthropic().queue(Reply(fail_after_events=3))
    with pytest.raises(anthropic.APIStatusError, match="overloaded_error"):
        list(_create(mock.client(), stream=True))


def test_count_tokens_returns_scripted_count_when_queued() -> None:
    mock = MockAnthropic().queue_for("count_tokens", TokenCount(321))
    counted = mock.client().messages.count_tokens(model="m", messages=USER)
    assert counted.input_tokens == 321
    assert mock.requests[0].path == "/v1/messages/count_tokens"


def test_batches_results_stream_jsonl_when_batch_ended() -> None:
    mock = MockAnthropic()
    mock.batch_outcomes["b"] = ApiError(400, "bad")
    client = mock.client()
    params = {"model": "claude-haiku-4-5", "max_tokens": 5, "messages": USER}
    batch = client.messages.batches.create(
        requests=[{"custom_id": "a", "params": params}, {"custom_id": "b", "params": params}]
    )
    assert batch.id == "msgbatch_mock_0001"
    assert batch.processing_status == "in_progress"
    results = {r.custom_id: r.result for r in client.messages.batches.results(batch.id)}
    assert results["a"].type == "succeeded"
    assert results["a"].message.model == "claude-haiku-4-5"
    assert results["b"].type == "errored"
    assert results["b"].error.error.type == "invalid_request_error"


def test_async_client_streams_when_awaited() -> None:
    mock = MockAnthropic().queue(Reply.text("async hello"))

    async def run() -> list[str]:
        client = mock.async_client()
        stream = await client.messages.create(model="m", max_tokens=5, messages=USER, stream=True)
        return [event.type async for event in stream]

    events = asyncio.run(run())
    assert events[0] == "message_start"
    assert events[-1] == "message_stop"


def test_server_answers_same_as_transport_when_served_on_loopback() -> None:
    mock = MockAnthropic().queue(ApiError(429), Reply.text("over tcp"))
    with mock.serve() as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        client = anthropic.Anthropic(api_key="k", base_url=base_url, max_retries=1)
        message = _create(client)
        body = httpx2.post(f"{base_url}/v1/messages/count_tokens", json={"messages": USER}).json()
    assert message.content[0].text == "over tcp"
    assert body == {"input_tokens": len(json.dumps(USER, separators=(",", ":"))) // 4}
    assert [r.path for r in mock.requests][:2] == ["/v1/messages", "/v1/messages"]


def test_server_streams_sse_when_stream_true() -> None:
    mock = MockAnthropic().queue(Reply.text("streamed over tcp"))
    with mock.serve() as base_url:
        client = anthropic.Anthropic(api_key="k", base_url=base_url)
        with client.messages.stream(model="m", max_tokens=5, messages=USER) as stream:
            text = stream.get_final_text()
    assert text == "streamed over tcp"


def test_mock_public_names_stay_importable_from_both_paths() -> None:
    import sample_data.mock as package
    from sample_data.mock import anthropic_api

    assert package.__all__ == ["ApiError", "Disconnect", "MockAnthropic", "MockUsage",
                               "RecordedRequest", "Reply", "TokenCount", "text_block",
                               "thinking_block", "tool_use_block"]  # fmt: skip
    # the module the mock grew up in still offers every name other code imports from it
    assert anthropic_api.__all__ == ["DEFAULT_MODEL", "ERROR_TYPES", "ApiError", "Disconnect",
                                     "MockAnthropic", "MockResponse", "MockUsage", "Outcome",
                                     "RecordedRequest", "Reply", "TokenCount", "text_block",
                                     "thinking_block", "tool_use_block"]  # fmt: skip
    assert {n: getattr(package, n) for n in package.__all__} == {
        n: getattr(anthropic_api, n) for n in package.__all__
    }
