"""Table tests of the pure parts: settings, mapping, GenAI content shape, SSE accumulation."""

from __future__ import annotations

import json

import anthropic
import httpx2
import pytest

import instrument
from instrument import content, mapping
from instrument.config import resolve_settings
from instrument.sse import accumulate
from sample_data.mock import MockUsage, text_block, tool_use_block
from sample_data.mock.sse import reply_events, sse_bytes


@pytest.mark.parametrize(
    ("options", "env", "url"),
    [
        ({}, {}, "http://127.0.0.1:4318/v1/traces"),
        ({}, {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4318/"}, "http://otel:4318/v1/traces"),
        ({}, {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://t:1/x"}, "http://t:1/x"),
        (
            {},
            {"TRACEVAULT_ENDPOINT": "http://tv:9", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://o:1"},
            "http://tv:9/v1/traces",
        ),
        (
            {"endpoint": "http://arg:1"},
            {"TRACEVAULT_ENDPOINT": "http://tv:9"},
            "http://arg:1/v1/traces",
        ),
    ],
)
def test_traces_url_prefers_argument_then_env_when_resolving(
    options: dict, env: dict, url: str
) -> None:
    assert resolve_settings(env=env, **options).traces_url == url


def test_settings_take_env_values_when_no_arguments() -> None:
    env = {
        "TRACEVAULT_API_KEY": "k1",
        "OTEL_SERVICE_NAME": "svc",
        "TRACEVAULT_CAPTURE_CONTENT": "none",
        "OTEL_EXPORTER_OTLP_HEADERS": "x-team=a%20b",
    }
    settings = resolve_settings(env=env)
    assert (settings.api_key, settings.service_name, settings.capture_content) == (
        "k1",
        "svc",
        "none",
    )
    assert settings.export_headers() == {"x-team": "a b", "Authorization": "Bearer k1"}
    assert resolve_settings(env=env, api_key="k2", capture_content="full").api_key == "k2"


@pytest.mark.parametrize(
    ("options", "env"),
    [
        ({"capture_content": "raw"}, {}),
        ({"endpoint": "ftp://x"}, {}),
        ({"bogus": 1}, {}),
        ({}, {"TRACEVAULT_RAISE_INTERNAL_ERRORS": "maybe"}),
        ({"max_queue": 0}, {}),
    ],
)
def test_bad_settings_fail_at_start_when_invalid(options: dict, env: dict) -> None:
    with pytest.raises(instrument.ConfigError):
        resolve_settings(env=env, **options)


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        (MockUsage(10, 5), (10, 5, 0, 0, 0)),
        (MockUsage(10, 5, cache_read=20), (30, 5, 20, 0, 0)),
        (MockUsage(10, 5, cache_write_5m=4, cache_write_1h=6), (20, 5, 0, 4, 6)),
        (
            {"input_tokens": 3, "output_tokens": 1, "cache_creation_input_tokens": 7},
            (10, 1, 0, 7, 0),
        ),
    ],
)
def test_usage_input_is_inclusive_of_cache_when_mapped(usage: object, expected: tuple) -> None:
    raw = usage.to_api() if isinstance(usage, MockUsage) else usage
    counted = mapping.usage_of(raw)
    assert (
        counted.input_tokens,
        counted.output_tokens,
        counted.cache_read_tokens,
        counted.cache_write_5m_tokens,
        counted.cache_write_1h_tokens,
    ) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, "permanent"),
        (401, "permanent"),
        (403, "permanent"),
        (404, "permanent"),
        (413, "permanent"),
        (422, "permanent"),
        (408, "transient"),
        (429, "transient"),
        (500, "transient"),
        (503, "transient"),
        (529, "transient"),
        (None, "permanent"),
    ],
)
def test_error_class_by_status_when_classified(status: int | None, expected: str) -> None:
    assert mapping.error_class(status) == expected


def test_timeout_is_transient_client_timeout_when_mapped() -> None:
    error = anthropic.APITimeoutError(request=httpx2.Request("POST", "https://x/v1/messages"))
    assert mapping.error_attributes(error) == {
        "error.type": "APITimeoutError",
        "tracevault.error.class": "transient",
    }


def test_retry_attributes_count_attempts_when_final_failed() -> None:
    assert mapping.retry_attributes([429, 0], 500) == {
        "tracevault.retry.attempts": 3,
        "tracevault.retry.statuses": [429, 0, 500],
        "http.request.resend_count": 2,
    }
    assert mapping.retry_attributes([], None) == {"tracevault.retry.attempts": 1}


def test_input_messages_follow_genai_shape_when_tools_and_media() -> None:
    body = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "look"},
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"},
                    },
                ],
            },
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "t1", "name": "f", "input": {"a": 1}}],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "t1",
                        "content": [{"type": "text", "text": "ok"}],
                    }
                ],
            },
        ]
    }
    assert content.input_messages(body) == [
        {
            "role": "user",
            "parts": [
                {"type": "text", "content": "look"},
                {"type": "blob", "modality": "image", "mime_type": "image/png"},
            ],
        },
        {
            "role": "assistant",
            "parts": [{"type": "tool_call", "id": "t1", "name": "f", "arguments": {"a": 1}}],
        },
        {"role": "user", "parts": [{"type": "tool_call_response", "id": "t1", "response": "ok"}]},
    ]


@pytest.mark.parametrize(
    ("stop", "reason"),
    [
        ("end_turn", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_call"),
        ("refusal", "content_filter"),
        ("stop_sequence", "stop"),
        (None, "error"),
    ],
)
def test_finish_reason_maps_stop_reason_when_output(stop: str | None, reason: str) -> None:
    assert content.finish_reason(stop) == reason


def test_accumulate_rebuilds_message_when_events_split_across_chunks() -> None:
    message = {
        "id": "m1",
        "model": "x",
        "stop_reason": "tool_use",
        "usage": MockUsage(3, 9).to_api(),
        "content": [text_block("hi there"), tool_use_block("f", {"k": [1, 2]}, "t9")],
    }
    body = b"".join(sse_bytes(e) for e in reply_events(message, chunk_size=3))
    chunks = [(i, body[i : i + 7]) for i in range(0, len(body), 7)]  # arbitrary cuts
    streamed = accumulate(chunks)
    assert streamed.stopped is True
    assert streamed.message["content"] == [
        {"type": "text", "text": "hi there"},
        {"type": "tool_use", "id": "t9", "name": "f", "input": {"k": [1, 2]}},
    ]
    assert streamed.message["usage"]["output_tokens"] == 9
    assert streamed.message["stop_reason"] == "tool_use"
    assert streamed.first_delta_ns is not None
    assert json.loads(json.dumps(streamed.message))["id"] == "m1"


def test_public_surface_is_pinned_when_imported() -> None:
    assert sorted(instrument.__all__) == sorted(
        [
            "ConfigError",
            "InstrumentationError",
            "Settings",
            "ToolRun",
            "TracevaultError",
            "agent",
            "context",
            "flush",
            "is_patched",
            "patch",
            "tool",
            "tool_span",
            "unpatch",
        ]
    )
