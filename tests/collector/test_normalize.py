"""Normalization: real spans of every emitter land on the same canonical values."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import anthropic
import httpx2
import orjson
import pytest

from collector.normalize import to_record
from collector.otlp import RawSpan
from collector.schema import FIELD_NAMES, JSON_FIELDS
from tests.collector.conftest import (
    EMITTERS,
    MESSAGE_REPLY,
    PROJECT,
    QUESTION,
    RECEIVED_AT,
    SYSTEM,
    capture,
    inference_record,
    json_handler,
    normalize,
    normalize_json,
    status_handler,
)

# 100 uncached * $3 + 50 out * $15 + 300 read * $0.30 + 200 (5m) write * $3.75, per MTok.
EXPECTED_COST = 0.00189
CANONICAL = {
    "operation": "chat",
    "provider": "anthropic",
    "request_model": "claude-sonnet-4-6",
    "response_model": "claude-sonnet-4-6",
    "input_tokens": 600,
    "output_tokens": 50,
    "cache_read_tokens": 300,
    "cache_write_tokens": 200,
    "cost_usd": EXPECTED_COST,
    "finish_reason": "tool_call",
    "tool_name": "get_weather",
    "tool_call_id": "toolu_01Weather",
    "service_name": "weather-agent",
    "status": "ok",
    "project": PROJECT,
}
EXPECTED_OUTPUT_PARTS = [
    {"type": "text", "content": "Let me check the weather."},
    {
        "type": "tool_call",
        "id": "toolu_01Weather",
        "name": "get_weather",
        "arguments": {"city": "Paris"},
    },
]


def raw_span(
    attrs: dict[str, Any],
    name: str = "chat claude-haiku-4-5",
    status: int = 1,
    message: str = "",
    events: list[dict[str, Any]] | None = None,
) -> RawSpan:
    return RawSpan(
        trace_id="0af7651916cd43dd8448eb211c80319c",
        span_id="b7ad6b7169203331",
        parent_span_id=None,
        name=name,
        kind=3,
        start_ns=1_700_000_000_123_456_789,
        end_ns=1_700_000_000_373_456_789,
        status_code=status,
        status_message=message,
        attributes=attrs,
        events=events or [],
        links=[],
        resource={"service.name": "svc"},
        scope_name="s",
        scope_version="1",
    )


def record(attrs: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return to_record(raw_span(attrs, **kwargs), PROJECT, RECEIVED_AT)


@pytest.mark.parametrize("emitter", EMITTERS)
def test_inference_span_gives_canonical_values_for_every_emitter(emitter: str) -> None:
    rec = inference_record(emitter)
    assert tuple(rec) == FIELD_NAMES
    assert {key: rec[key] for key in CANONICAL} == CANONICAL
    content = orjson.loads(rec["content"])
    assert content["system"] == [{"type": "text", "content": SYSTEM}]
    assert content["input_messages"] == [
        {"role": "user", "parts": [{"type": "text", "content": QUESTION}]}
    ]
    assert content["output_messages"][0]["parts"] == EXPECTED_OUTPUT_PARTS
    assert rec["received_at"] == RECEIVED_AT and rec["start_time"].tzinfo == UTC


@pytest.mark.parametrize("emitter", EMITTERS)
def test_json_and_protobuf_give_same_record(emitter: str) -> None:
    spans = capture(emitter)
    [proto], [json_] = normalize(spans), normalize_json(spans)
    for key in FIELD_NAMES:
        if key in JSON_FIELDS and proto[key] is not None:
            assert orjson.loads(json_[key]) == orjson.loads(proto[key]), key
        else:
            assert json_[key] == proto[key], key


def test_native_span_prices_1h_cache_writes_apart() -> None:
    reply = copy.deepcopy(MESSAGE_REPLY)
    reply["usage"]["cache_creation"] = {
        "ephemeral_5m_input_tokens": 150,
        "ephemeral_1h_input_tokens": 50,
    }
    rec = inference_record("native", json_handler(reply))
    # the 50 1h-written tokens cost $6 instead of $3.75 per MTok
    assert rec["cost_usd"] == 0.0020025
    assert rec["cache_write_tokens"] == 200


@pytest.mark.parametrize("emitter", EMITTERS)
@pytest.mark.parametrize(
    ("status", "error_type", "error_class"),
    [
        (429, "rate_limit_error", "transient"),
        (529, "overloaded_error", "transient"),
        (500, "api_error", "transient"),
        (400, "invalid_request_error", "permanent"),
        (401, "authentication_error", "permanent"),
    ],
)
def test_error_span_classified_same_for_every_emitter(
    emitter: str, status: int, error_type: str, error_class: str
) -> None:
    rec = inference_record(emitter, status_handler(status, error_type))
    assert (rec["status"], rec["http_status"], rec["error_class"]) == ("error", status, error_class)
    assert rec["input_tokens"] is None and rec["cost_usd"] is None and rec["error_type"]


def _tool_runner(client: anthropic.Anthropic) -> None:
    @anthropic.beta_tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        return f"Sunny in {city}"

    client.beta.messages.tool_runner(
        model="claude-sonnet-4-6",
        max_tokens=256,
        tools=[get_weather],
        messages=[{"role": "user", "content": QUESTION}],
    ).until_done()


def _runner_handler() -> Any:
    final = {
        **MESSAGE_REPLY,
        "id": "msg_02",
        "stop_reason": "end_turn",
        "content": [{"type": "text", "text": "Sunny."}],
        "usage": {"input_tokens": 700, "output_tokens": 5},
    }
    replies = iter([MESSAGE_REPLY, final])
    return lambda request: httpx2.Response(200, json=next(replies))


def test_native_tool_runner_gives_tool_and_agent_records() -> None:
    records = {
        r["operation"]: r for r in normalize(capture("native", _runner_handler(), _tool_runner))
    }
    tool, agent = records["execute_tool"], records["invoke_agent"]
    assert (tool["tool_name"], tool["tool_call_id"], tool["error_class"]) == (
        "get_weather",
        "toolu_01Weather",
        None,
    )
    content = orjson.loads(tool["content"])
    assert content["tool_arguments"] == {"city": "Paris"}
    assert content["tool_result"] == [{"type": "text", "text": "Sunny in Paris"}]
    assert (agent["input_tokens"], agent["cost_usd"], agent["request_model"]) == (
        None,
        None,
        "claude-sonnet-4-6",
    )


def test_agent_span_usage_kept_in_attributes_only() -> None:
    rec = record(
        {
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.agent.name": "planner",
            "gen_ai.usage.input_tokens": 900,
            "gen_ai.request.model": "claude-haiku-4-5",
        },
        name="invoke_agent planner",
    )
    assert (rec["operation"], rec["agent_name"]) == ("invoke_agent", "planner")
    assert (rec["input_tokens"], rec["output_tokens"], rec["cost_usd"]) == (None, None, None)
    assert orjson.loads(rec["attributes"])["gen_ai.usage.input_tokens"] == 900


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        # inclusive counts stay as sent
        (
            {
                "gen_ai.usage.input_tokens": 600,
                "gen_ai.usage.cache_read.input_tokens": 300,
                "gen_ai.usage.cache_write.input_tokens": 200,
            },
            (600, 300, 200),
        ),
        # disjoint counts (input < read + write) are made inclusive
        (
            {
                "gen_ai.usage.input_tokens": 100,
                "gen_ai.usage.cache_read_input_tokens": 300,
                "gen_ai.usage.cache_creation_input_tokens": 200,
            },
            (600, 300, 200),
        ),
        # older names and OpenInference names, string values from OTLP/JSON-ish emitters
        ({"gen_ai.usage.prompt_tokens": "42"}, (42, None, None)),
        (
            {"llm.token_count.prompt": 10, "llm.token_count.prompt_details.cache_read": 4},
            (10, 4, None),
        ),
    ],
)
def test_input_tokens_stored_inclusive_of_cache(attrs: dict, expected: tuple) -> None:
    rec = record({"gen_ai.operation.name": "chat", **attrs})
    assert (rec["input_tokens"], rec["cache_read_tokens"], rec["cache_write_tokens"]) == expected


def test_cost_from_emitter_is_kept_over_price_table() -> None:
    rec = record(
        {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": "claude-haiku-4-5",
            "gen_ai.usage.input_tokens": 1000,
            "tracevault.cost.usd": 0.5,
        }
    )
    assert rec["cost_usd"] == 0.5


@pytest.mark.parametrize(("model", "cost"), [("claude-haiku-4-5", 0.0015), ("gpt-9", None)])
def test_cost_computed_from_price_table_or_none_when_model_unknown(
    model: str, cost: float | None
) -> None:
    rec = record(
        {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": model,
            "gen_ai.usage.input_tokens": 1000,
            "gen_ai.usage.output_tokens": 100,
        }
    )
    assert rec["cost_usd"] == cost


@pytest.mark.parametrize(
    ("attrs", "name", "operation"),
    [
        ({"openinference.span.kind": "LLM"}, "messages.create", "chat"),
        ({"openinference.span.kind": "TOOL"}, "get_weather", "execute_tool"),
        ({"openinference.span.kind": "AGENT"}, "planner", "invoke_agent"),
        ({"openinference.span.kind": "CHAIN"}, "run", "chain"),
        ({"llm.request.type": "completion"}, "anthropic.completion", "text_completion"),
        ({"traceloop.span.kind": "workflow"}, "flow", "invoke_workflow"),
        ({}, "anthropic.messages.count_tokens", "count_tokens"),
        ({}, "anthropic.custom_tool_use get_weather", "execute_tool"),
        ({}, "execute_tool lookup", "execute_tool"),
        ({}, "something else", None),
    ],
)
def test_operation_mapped_from_any_family(attrs: dict, name: str, operation: str | None) -> None:
    assert record(attrs, name=name)["operation"] == operation


@pytest.mark.parametrize(
    ("attrs", "reason"),
    [
        ({"gen_ai.response.finish_reasons": ["stop", "length"]}, "stop"),
        ({"gen_ai.response.finish_reasons": '["length"]'}, "length"),
        ({"llm.finish_reason": "end_turn"}, "stop"),
        ({"anthropic.message.stop_reason": "max_tokens"}, "length"),
        ({"anthropic.message.stop_reason": "refusal"}, "content_filter"),
        ({"anthropic.message.stop_reason": "pause_turn"}, "pause_turn"),
        ({"gen_ai.completion.0.finish_reason": "tool_use"}, "tool_call"),
        ({}, None),
    ],
)
def test_finish_reason_first_and_in_otel_vocabulary(attrs: dict, reason: str | None) -> None:
    assert record({"gen_ai.operation.name": "chat", **attrs})["finish_reason"] == reason


@pytest.mark.parametrize(
    ("attrs", "status", "message", "expected"),
    [
        (
            {"tracevault.error.class": "permanent", "http.response.status_code": 429},
            2,
            "",
            ("permanent", 429),
        ),
        ({"http.response.status_code": 503}, 2, "", ("transient", 503)),
        ({"http.response.status_code": 413}, 2, "", ("permanent", 413)),
        ({"error.type": "httpx.ConnectTimeout"}, 2, "", ("transient", None)),
        ({}, 2, "Error code: 422 - invalid", ("permanent", 422)),
        (
            {"gen_ai.operation.name": "execute_tool", "error.type": "ValueError"},
            2,
            "",
            ("tool", None),
        ),
        ({"error.type": "KeyError"}, 2, "", (None, None)),
        ({"http.response.status_code": 200}, 1, "", (None, 200)),
    ],
)
def test_error_class_derived_when_not_sent(
    attrs: dict, status: int, message: str, expected: tuple
) -> None:
    rec = record(attrs, status=status, message=message)
    assert (rec["error_class"], rec["http_status"]) == expected


def test_error_type_taken_from_exception_event_when_no_attribute() -> None:
    event = {
        "name": "exception",
        "time_ns": 1_700_000_000_200_000_000,
        "attributes": {
            "exception.type": "anthropic.RateLimitError",
            "exception.message": "Error code: 429 - slow down",
        },
    }
    rec = record({}, status=2, events=[event])
    assert (rec["error_type"], rec["error_class"], rec["http_status"]) == (
        "anthropic.RateLimitError",
        "transient",
        429,
    )
    assert orjson.loads(rec["events"]) == [
        {
            "name": "exception",
            "time": "2023-11-14T22:13:20.200000+00:00",
            "attributes": event["attributes"],
        }
    ]


def test_instrument_attributes_fill_context_and_redaction() -> None:
    rec = record(
        {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "Anthropic",
            "tracevault.tenant.id": "acme",
            "tracevault.task.id": "task-7",
            "gen_ai.agent.name": "triage",
            "user.id": "u-1",
            "gen_ai.conversation.id": "conv-9",
            "tracevault.redaction.by": "tracevault-sdk",
            "tracevault.redaction.entities.EMAIL_ADDRESS": 2,
            "tracevault.redaction.entities.PHONE_NUMBER": 1,
        }
    )
    assert (
        rec["tenant_id"],
        rec["task_id"],
        rec["agent_name"],
        rec["user_id"],
        rec["session_id"],
        rec["provider"],
    ) == ("acme", "task-7", "triage", "u-1", "conv-9", "anthropic")
    assert orjson.loads(rec["redaction"]) == {
        "by": "tracevault-sdk",
        "entities": {"EMAIL_ADDRESS": 2, "PHONE_NUMBER": 1},
        "content_dropped": False,
    }


def test_redaction_none_when_span_never_redacted_and_flag_when_dropped() -> None:
    assert record({"gen_ai.operation.name": "chat"})["redaction"] is None
    dropped = record({"tracevault.content_dropped": True})["redaction"]
    assert orjson.loads(dropped) == {"by": None, "entities": {}, "content_dropped": True}


def test_times_are_utc_microseconds_and_duration_in_ms() -> None:
    rec = record({})
    assert rec["start_time"] == datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=UTC)
    assert rec["end_time"] == datetime(2023, 11, 14, 22, 13, 20, 373456, tzinfo=UTC)
    assert (rec["duration_ms"], rec["kind"], rec["status"]) == (250.0, "client", "ok")


def test_legacy_openllmetry_indexed_prompt_becomes_otel_messages() -> None:
    rec = record(
        {
            "llm.request.type": "chat",
            "gen_ai.prompt.0.role": "system",
            "gen_ai.prompt.0.content": "Be brief.",
            "gen_ai.prompt.1.role": "user",
            "gen_ai.prompt.1.content": "Hi",
            "gen_ai.completion.0.role": "assistant",
            "gen_ai.completion.0.content": "Hello",
            "gen_ai.completion.0.finish_reason": "end_turn",
            "gen_ai.completion.0.tool_calls.0.id": "toolu_9",
            "gen_ai.completion.0.tool_calls.0.name": "lookup",
            "gen_ai.completion.0.tool_calls.0.arguments": '{"q": 1}',
        },
        name="anthropic.chat",
    )
    assert orjson.loads(rec["content"]) == {
        "system": [{"type": "text", "content": "Be brief."}],
        "input_messages": [{"role": "user", "parts": [{"type": "text", "content": "Hi"}]}],
        "output_messages": [
            {
                "role": "assistant",
                "finish_reason": "end_turn",
                "parts": [
                    {"type": "text", "content": "Hello"},
                    {"type": "tool_call", "id": "toolu_9", "name": "lookup", "arguments": {"q": 1}},
                ],
            }
        ],
        "tool_arguments": None,
        "tool_result": None,
    }
    assert (rec["finish_reason"], rec["tool_name"], rec["tool_call_id"]) == (
        "stop",
        "lookup",
        "toolu_9",
    )


def test_older_otel_message_events_become_content() -> None:
    events = [
        {"name": "gen_ai.user.message", "time_ns": 1, "attributes": {"content": "Hi"}},
        {
            "name": "gen_ai.choice",
            "time_ns": 2,
            "attributes": {
                "message": '{"content": "Hello", "role": "assistant"}',
                "finish_reason": "stop",
            },
        },
    ]
    content = orjson.loads(record({"gen_ai.operation.name": "chat"}, events=events)["content"])
    assert content["input_messages"] == [
        {"role": "user", "parts": [{"type": "text", "content": "Hi"}]}
    ]
    assert content["output_messages"] == [
        {"role": "assistant", "parts": [{"type": "text", "content": "Hello"}]}
    ]


def test_openinference_tool_span_maps_input_and_output_values() -> None:
    rec = record(
        {
            "openinference.span.kind": "TOOL",
            "tool.name": "get_weather",
            "input.value": '{"city": "Oslo"}',
            "output.value": "Rain",
        },
        name="get_weather",
    )
    assert (rec["operation"], rec["tool_name"]) == ("execute_tool", "get_weather")
    content = orjson.loads(rec["content"])
    assert (content["tool_arguments"], content["tool_result"]) == ({"city": "Oslo"}, "Rain")


def test_content_none_when_nothing_captured() -> None:
    assert record({"gen_ai.operation.name": "chat"})["content"] is None
