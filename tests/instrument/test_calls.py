"""messages.create through a real client on the mock transport: one span, exact attributes."""

from __future__ import annotations

import asyncio
import logging

import anthropic
import pytest
from opentelemetry.trace import SpanKind, StatusCode

import instrument
from instrument import _patch
from sample_data.mock import ApiError, Disconnect, MockUsage, Reply, text_block, tool_use_block
from tests.instrument.conftest import USER, Traced

MODEL = "claude-sonnet-4-5"
TOOLS = [
    {"name": "get_weather", "input_schema": {"type": "object"}},
    {"name": "search", "input_schema": {"type": "object"}},
]


def test_create_emits_one_chat_span_with_exact_attributes_when_sync(traced: Traced) -> None:
    usage = MockUsage(
        100, 20, cache_read=50, cache_write_5m=7, cache_write_1h=3, web_search_requests=2
    )
    reply = Reply(
        content=(
            text_block("Let me check."),
            tool_use_block("get_weather", {"city": "Paris"}, "toolu_1"),
        ),
        stop_reason="tool_use",
        usage=usage,
    )
    traced.mock.queue(reply)
    traced.mock.client().messages.create(
        model=MODEL,
        max_tokens=256,
        messages=USER,
        tools=TOOLS,
        extra_body={"temperature": 0.5, "top_p": 0.9},  # not typed params in anthropic 2.12
    )
    span = traced.only()
    assert span.name == f"chat {MODEL}"
    assert span.kind == SpanKind.CLIENT
    assert span.status.status_code == StatusCode.OK
    attrs = dict(span.attributes)
    expected = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": MODEL,
        "gen_ai.request.max_tokens": 256,
        "gen_ai.request.temperature": 0.5,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.stream": False,
        "gen_ai.response.id": "msg_mock_0001",
        "gen_ai.response.model": MODEL,
        "gen_ai.response.finish_reasons": ("tool_use",),
        "gen_ai.usage.input_tokens": 160,
        "gen_ai.usage.output_tokens": 20,
        "gen_ai.usage.cache_read.input_tokens": 50,
        "gen_ai.usage.cache_write.input_tokens": 10,
        "anthropic.usage.cache_creation.ephemeral_5m_input_tokens": 7,
        "anthropic.usage.cache_creation.ephemeral_1h_input_tokens": 3,
        "anthropic.usage.server_tool_use.web_search_requests": 2,
        "anthropic.request.id": "req_mock_0001",
        "http.response.status_code": 200,
        "tracevault.request.tools": ("get_weather", "search"),
        "tracevault.response.tool_call.names": ("get_weather",),
        "tracevault.response.tool_call.ids": ("toolu_1",),
        "tracevault.retry.attempts": 1,
        "server.address": "api.anthropic.mock",
        "server.port": 443,
    }
    assert {k: attrs.get(k) for k in expected} == expected
    # sonnet-4-5: 100 uncached x $3 + 20 out x $15 + 50 read x $0.3 + 7 x $3.75 + 3 x $6, per MTok
    assert attrs["tracevault.cost.usd"] == pytest.approx(0.00065925, abs=1e-12)
    assert "tracevault.retry.statuses" not in attrs


def test_create_emits_one_span_when_async(traced: Traced) -> None:
    traced.mock.queue(Reply.text("async"))

    async def run() -> None:
        await traced.mock.async_client().messages.create(model=MODEL, max_tokens=5, messages=USER)

    asyncio.run(run())
    span = traced.only()
    assert span.attributes["gen_ai.response.id"] == "msg_mock_0001"
    assert span.attributes["gen_ai.usage.output_tokens"] == 5


def test_clients_made_before_patch_are_covered_when_patched_later(traced: Traced) -> None:
    client = traced.mock.client()
    instrument.unpatch()
    client.messages.create(model=MODEL, max_tokens=5, messages=USER)
    assert traced.exporter.get_finished_spans() == ()
    instrument.patch(exporter=traced.exporter, redactor=traced.redactor, raise_internal_errors=True)
    client.messages.create(model=MODEL, max_tokens=5, messages=USER)
    assert traced.only().attributes["gen_ai.response.id"] == "msg_mock_0002"


def test_unpatch_restores_sdk_methods_when_called_twice(traced: Traced) -> None:
    from anthropic import _base_client as base

    assert base.SyncAPIClient.request.__module__ == "instrument._patch"
    instrument.unpatch()
    instrument.unpatch()
    assert base.SyncAPIClient.request.__module__ == "anthropic._base_client"
    assert base.AsyncAPIClient._sleep_for_retry.__module__ == "anthropic._base_client"
    assert not instrument.is_patched()


def test_patch_twice_keeps_one_span_per_call_when_idempotent(traced: Traced) -> None:
    instrument.patch(exporter=traced.exporter, redactor=traced.redactor, raise_internal_errors=True)
    traced.mock.client().messages.create(model=MODEL, max_tokens=5, messages=USER)
    assert len(traced.spans()) == 1


def test_retries_record_every_failed_status_when_call_succeeds(traced: Traced) -> None:
    traced.mock.queue(ApiError(429), ApiError(529), Reply.text("ok"))
    traced.mock.client(max_retries=2).messages.create(model=MODEL, max_tokens=5, messages=USER)
    attrs = traced.only().attributes
    assert attrs["tracevault.retry.attempts"] == 3
    assert attrs["tracevault.retry.statuses"] == (429, 529)
    assert attrs["http.request.resend_count"] == 2
    assert attrs["anthropic.request.id"] == "req_mock_0003"
    assert "error.type" not in attrs


@pytest.mark.parametrize(
    ("status", "error_type", "error_class"),
    [
        (400, "invalid_request_error", "permanent"),
        (401, "authentication_error", "permanent"),
        (403, "permission_error", "permanent"),
        (404, "not_found_error", "permanent"),
        (413, "request_too_large", "permanent"),
        (422, "invalid_request_error", "permanent"),
        (429, "rate_limit_error", "transient"),
        (500, "api_error", "transient"),
        (529, "overloaded_error", "transient"),
    ],
)
def test_failed_call_carries_error_class_when_api_errors(
    traced: Traced, status: int, error_type: str, error_class: str
) -> None:
    traced.mock.queue(ApiError(status, "boom"))
    with pytest.raises(anthropic.APIStatusError):
        traced.mock.client(max_retries=0).messages.create(model=MODEL, max_tokens=5, messages=USER)
    span = traced.only()
    assert span.status.status_code == StatusCode.ERROR
    attrs = span.attributes
    assert attrs["error.type"] == error_type
    assert attrs["tracevault.error.class"] == error_class
    assert attrs["http.response.status_code"] == status
    assert attrs["tracevault.retry.statuses"] == (status,)
    assert attrs["anthropic.request.id"] == "req_mock_0001"


def test_exhausted_retries_list_all_statuses_when_storm_never_ends(traced: Traced) -> None:
    traced.mock.queue(ApiError(429), ApiError(429), ApiError(429))
    with pytest.raises(anthropic.RateLimitError):
        traced.mock.client(max_retries=2).messages.create(model=MODEL, max_tokens=5, messages=USER)
    attrs = traced.only().attributes
    assert attrs["tracevault.retry.attempts"] == 3
    assert attrs["tracevault.retry.statuses"] == (429, 429, 429)


def test_connection_error_is_transient_with_status_zero_when_dropped(traced: Traced) -> None:
    traced.mock.queue(Disconnect(), Disconnect())
    with pytest.raises(anthropic.APIConnectionError):
        traced.mock.client(max_retries=1).messages.create(model=MODEL, max_tokens=5, messages=USER)
    attrs = traced.only().attributes
    assert attrs["error.type"] == "APIConnectionError"
    assert attrs["tracevault.error.class"] == "transient"
    assert attrs["tracevault.retry.statuses"] == (0, 0)


def test_user_exception_passes_through_unchanged_when_call_fails(traced: Traced) -> None:
    traced.mock.queue(ApiError(400, "bad input"))
    client = traced.mock.client(max_retries=0)
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(model=MODEL, max_tokens=5, messages=USER)
    instrument.unpatch()
    traced.mock.queue(ApiError(400, "bad input"))
    with pytest.raises(anthropic.BadRequestError) as bare:
        client.messages.create(model=MODEL, max_tokens=5, messages=USER)
    assert type(caught.value) is type(bare.value)
    assert caught.value.body == {**bare.value.body, "request_id": "req_mock_0001"}
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_internal_fault_does_not_surface_when_not_raising(
    traced: Traced, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    instrument.contain.raise_errors = False
    instrument.contain.reset()

    def broken(*_: object) -> None:
        raise RuntimeError("bug in tracevault")

    monkeypatch.setattr(_patch, "_operation", broken)  # inject a fault into our own hook
    client = traced.mock.client()
    with caplog.at_level(logging.WARNING, logger="tracevault.instrument"):
        first = client.messages.create(model=MODEL, max_tokens=5, messages=USER)
        second = client.messages.create(model=MODEL, max_tokens=5, messages=USER)
    assert (first.id, second.id) == ("msg_mock_0001", "msg_mock_0002")
    assert len([r for r in caplog.records if "patch.begin" in r.getMessage()]) == 1
    assert traced.spans() == []


def test_internal_fault_raises_when_raising_is_on(
    traced: Traced, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_patch, "_operation", lambda *_: 1 / 0)
    with pytest.raises(instrument.InstrumentationError):
        traced.mock.client().messages.create(model=MODEL, max_tokens=5, messages=USER)


def test_other_endpoints_pass_through_when_not_model_calls(traced: Traced) -> None:
    client = traced.mock.client(max_retries=0)
    with pytest.raises(anthropic.NotFoundError):
        client.models.retrieve("claude-x")
    assert traced.spans() == []


def test_messages_list_is_snapshotted_when_app_appends_after_call(traced: Traced) -> None:
    messages = [{"role": "user", "content": "first"}]
    traced.mock.client().messages.create(model=MODEL, max_tokens=5, messages=messages)
    messages.append({"role": "user", "content": "appended later"})
    span = traced.only()
    assert "appended later" not in span.attributes["gen_ai.input.messages"]
