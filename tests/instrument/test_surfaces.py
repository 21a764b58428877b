"""parse, count_tokens, beta, tool_runner and batches: one span per model call each."""

from __future__ import annotations

import anthropic
import pytest
from opentelemetry.trace import StatusCode

from sample_data.mock import ApiError, MockUsage, Reply, TokenCount
from tests.instrument.conftest import USER, Traced

MODEL = "claude-haiku-4-5"


def test_parse_emits_one_chat_span_when_parsing(traced: Traced) -> None:
    traced.mock.queue(Reply.text("parsed"))
    traced.mock.client().messages.parse(model=MODEL, max_tokens=5, messages=USER)
    span = traced.only()
    assert span.name == f"chat {MODEL}"
    assert span.attributes["gen_ai.response.id"] == "msg_mock_0001"


def test_count_tokens_is_its_own_operation_when_counting(traced: Traced) -> None:
    traced.mock.queue_for("count_tokens", TokenCount(321))
    traced.mock.client().messages.count_tokens(model=MODEL, messages=USER)
    span = traced.only()
    assert span.name == f"count_tokens {MODEL}"
    assert span.attributes["gen_ai.operation.name"] == "count_tokens"
    assert span.attributes["tracevault.count_tokens.input_tokens"] == 321
    assert "gen_ai.usage.input_tokens" not in span.attributes  # not billed usage
    assert "tracevault.cost.usd" not in span.attributes


def test_beta_create_emits_one_span_when_beta_surface(traced: Traced) -> None:
    traced.mock.queue(Reply.text("beta"))
    traced.mock.client().beta.messages.create(model=MODEL, max_tokens=5, messages=USER)
    assert traced.only().attributes["gen_ai.response.id"] == "msg_mock_0001"


def test_tool_runner_spans_every_model_call_and_tool_when_running(traced: Traced) -> None:
    @anthropic.beta_tool
    def get_weather(city: str) -> str:
        """Weather for a city."""
        return f"sunny in {city}"

    traced.mock.queue(
        Reply.tool_use("get_weather", {"city": "Paris"}, "toolu_r1"), Reply.text("done")
    )
    runner = traced.mock.client().beta.messages.tool_runner(
        model=MODEL, max_tokens=50, messages=USER, tools=[get_weather]
    )
    final = runner.until_done()
    assert final.content[0].text == "done"
    spans = traced.spans()
    chats = [s for s in spans if s.attributes["gen_ai.operation.name"] == "chat"]
    tools = [s for s in spans if s.attributes["gen_ai.operation.name"] == "execute_tool"]
    assert [s.attributes["gen_ai.response.id"] for s in chats] == ["msg_mock_0001", "msg_mock_0002"]
    assert len(tools) == 1
    tool = tools[0]
    assert tool.name == "execute_tool get_weather"
    assert tool.attributes["gen_ai.tool.call.id"] == "toolu_r1"
    assert tool.attributes["gen_ai.tool.call.arguments"] == '{"city": "Paris"}'
    assert tool.attributes["gen_ai.tool.call.result"] == "sunny in Paris"
    assert [link.context.span_id for link in tool.links] == [chats[0].context.span_id]


def test_tool_runner_failing_tool_is_tool_error_when_tool_raises(traced: Traced) -> None:
    @anthropic.beta_tool
    def explode(reason: str) -> str:
        """Always fails."""
        raise ValueError(reason)

    traced.mock.queue(Reply.tool_use("explode", {"reason": "nope"}), Reply.text("sorry"))
    traced.mock.client().beta.messages.tool_runner(
        model=MODEL, max_tokens=50, messages=USER, tools=[explode]
    ).until_done()
    tool = traced.only("execute_tool")
    assert tool.status.status_code == StatusCode.ERROR
    assert tool.attributes["error.type"] == "ValueError"
    assert tool.attributes["tracevault.error.class"] == "tool"


def test_batches_report_id_count_and_per_result_cost_when_created_and_read(traced: Traced) -> None:
    traced.mock.default = Reply.text("batched", usage=MockUsage(1000, 100))
    traced.mock.batch_outcomes["b"] = ApiError(400, "bad")
    client = traced.mock.client()
    params = {"model": MODEL, "max_tokens": 5, "messages": USER}
    batch = client.messages.batches.create(
        requests=[
            {"custom_id": "a", "params": params},
            {"custom_id": "b", "params": params},
        ]
    )
    results = list(client.messages.batches.results(batch.id))
    assert len(results) == 2
    spans = {s.name: s for s in traced.spans() if s.name.startswith("batch")}
    created = spans["batch create"].attributes
    assert created["tracevault.batch.id"] == "msgbatch_mock_0001"
    assert created["tracevault.batch.request_count"] == 2
    assert created["tracevault.batch.models"] == (MODEL,)
    read = spans["batch results"]
    assert read.attributes["tracevault.batch.results.succeeded"] == 1
    assert read.attributes["tracevault.batch.results.errored"] == 1
    children = {
        s.attributes["tracevault.batch.custom_id"]: s
        for s in traced.spans()
        if s.parent is not None and s.parent.span_id == read.context.span_id
    }
    ok = children["a"].attributes
    assert ok["gen_ai.usage.input_tokens"] == 1000
    # haiku-4-5 at batch prices (50% off): (1000 x $1 + 100 x $5) / 2 per MTok
    assert ok["tracevault.cost.usd"] == pytest.approx(0.00075, abs=1e-12)
    assert ok["tracevault.batch.id"] == "msgbatch_mock_0001"
    assert children["b"].status.status_code == StatusCode.ERROR
    assert children["b"].attributes["error.type"] == "invalid_request_error"
