"""End to end: instrument.patch() in this process -> OTLP/HTTP -> a real `tracevault serve`
process -> a real DuckDB file -> back out of the REST API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import instrument
from instrument.pricing import Usage, cost_usd
from sample_data.mock import MockAnthropic, MockUsage, Reply, tool_use_block
from tests.conftest import Collector

MODEL = "claude-sonnet-4-5"


@pytest.fixture
def patched(collector: Collector, project: str) -> Iterator[Collector]:
    instrument.patch(
        endpoint=collector.url,
        api_key=collector.new_key(project, "ingest"),
        service_name="e2e-agent",
        raise_internal_errors=True,
    )
    try:
        yield collector
    finally:
        instrument.unpatch()


def _trace_of_session(collector: Collector, project: str, session: str) -> dict:
    with collector.client(collector.new_key(project, "read")) as reader:
        listed = reader.get("/api/traces", params={"session": session}).json()["traces"]
        assert len(listed) == 1, listed
        return reader.get(f"/api/traces/{listed[0]['trace_id']}").json()


def test_patched_create_lands_in_the_store_with_canonical_fields(
    patched: Collector, project: str
) -> None:
    usage = MockUsage(input_tokens=40, output_tokens=12, cache_read=300, cache_write_5m=100)
    reply = Reply(
        content=(tool_use_block("lookup_order", {"order_id": "A-17"}, id="toolu_e2e_1"),),
        stop_reason="tool_use",
        usage=usage,
    )
    mock = MockAnthropic().queue(reply)
    with instrument.context(user_id="u-7", session_id="s-e2e", tenant_id="acme"):
        mock.client().messages.create(
            model=MODEL, max_tokens=256, messages=[{"role": "user", "content": "Where is A-17?"}]
        )
    assert instrument.flush(timeout=15)

    trace = _trace_of_session(patched, project, "s-e2e")
    (span,) = trace["spans"]
    assert span["name"] == f"chat {MODEL}"
    assert (span["operation"], span["provider"], span["request_model"]) == (
        "chat",
        "anthropic",
        MODEL,
    )
    assert span["service_name"] == "e2e-agent"
    assert (span["input_tokens"], span["output_tokens"]) == (440, 12)  # inclusive of cache
    assert (span["cache_read_tokens"], span["cache_write_tokens"]) == (300, 100)
    expected = cost_usd(MODEL, Usage(440, 12, cache_read_tokens=300, cache_write_5m_tokens=100))
    assert span["cost_usd"] == pytest.approx(expected)
    assert (span["tool_name"], span["tool_call_id"]) == ("lookup_order", "toolu_e2e_1")
    assert span["finish_reason"] == "tool_call"
    assert (span["user_id"], span["tenant_id"]) == ("u-7", "acme")
    assert span["status"] == "ok" and span["kind"] == "client"
    assert span["content"]["input_messages"][0]["role"] == "user"
    assert span["redaction"]["by"] == "tracevault-sdk"


def test_failed_call_is_stored_with_its_error_class(patched: Collector, project: str) -> None:
    from sample_data.mock import ApiError

    mock = MockAnthropic().queue(ApiError(401), ApiError(401))
    with instrument.context(session_id="s-e2e-401"), pytest.raises(Exception) as raised:
        mock.client(max_retries=0).messages.create(
            model=MODEL, max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )
    assert type(raised.value).__name__ == "AuthenticationError"
    assert instrument.flush(timeout=15)

    (span,) = _trace_of_session(patched, project, "s-e2e-401")["spans"]
    assert (span["status"], span["error_class"], span["http_status"]) == ("error", "permanent", 401)
