"""Tool spans, context() across asyncio tasks, and the invoke_agent parent span."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry.trace import SpanKind, StatusCode

import instrument
from sample_data.mock import Reply
from tests.instrument.conftest import USER, Traced

MODEL = "claude-haiku-4-5"
WHO = {
    "user.id": "u1",
    "session.id": "s1",
    "gen_ai.conversation.id": "s1",
    "tracevault.tenant.id": "t1",
    "tracevault.task.id": "k1",
}


def _who(span: object) -> dict[str, object]:
    return {k: span.attributes.get(k) for k in WHO}  # type: ignore[attr-defined]


def test_tool_decorator_links_to_model_call_when_args_match(traced: Traced) -> None:
    @instrument.tool
    def get_weather(city: str) -> dict[str, str]:
        return {"city": city, "sky": "clear"}

    traced.mock.queue(Reply.tool_use("get_weather", {"city": "Oslo"}, "toolu_42"))
    message = traced.mock.client().messages.create(model=MODEL, max_tokens=5, messages=USER)
    get_weather(**message.content[0].input)
    chat, tool = traced.only("chat"), traced.only("execute_tool")
    assert tool.kind == SpanKind.INTERNAL
    assert tool.attributes["gen_ai.tool.name"] == "get_weather"
    assert tool.attributes["gen_ai.tool.call.id"] == "toolu_42"
    assert tool.attributes["gen_ai.tool.call.result"] == '{"city": "Oslo", "sky": "clear"}'
    assert [link.context.span_id for link in tool.links] == [chat.context.span_id]
    assert tool.end_time >= tool.start_time


def test_tool_span_uses_given_call_id_when_explicit(traced: Traced) -> None:
    with instrument.tool_span(
        "lookup", call_id="toolu_x", arguments={"q": "mail bob@ex.com"}
    ) as run:
        run.set_result("found bob@ex.com")
    span = traced.only()
    assert span.name == "execute_tool lookup"
    assert span.attributes["gen_ai.tool.call.id"] == "toolu_x"
    assert span.attributes["gen_ai.tool.call.arguments"] == '{"q": "mail <EMAIL_ADDRESS>"}'
    assert span.attributes["gen_ai.tool.call.result"] == "found <EMAIL_ADDRESS>"
    assert span.attributes["tracevault.redaction.entities.EMAIL_ADDRESS"] == 2
    assert span.links == ()  # no model call known for that id


def test_async_tool_error_is_tool_class_and_reraised_when_tool_fails(traced: Traced) -> None:
    error = KeyError("missing")

    @instrument.tool(name="fetch")
    async def fetch(url: str) -> str:
        raise error

    with pytest.raises(KeyError) as caught:
        asyncio.run(fetch("https://example.test"))
    assert caught.value is error
    span = traced.only()
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes["error.type"] == "KeyError"
    assert span.attributes["tracevault.error.class"] == "tool"
    assert "gen_ai.tool.call.result" not in span.attributes


def test_context_reaches_every_span_when_calls_run_in_asyncio_tasks(traced: Traced) -> None:
    @instrument.tool
    async def think(step: int) -> int:
        return step

    async def one_turn(client: object, step: int) -> None:
        await client.messages.create(model=MODEL, max_tokens=5, messages=USER)  # type: ignore[attr-defined]
        await think(step)

    async def run() -> None:
        client = traced.mock.async_client()
        with instrument.context(user_id="u1", session_id="s1", tenant_id="t1", task_id="k1"):
            await asyncio.gather(*(asyncio.create_task(one_turn(client, i)) for i in range(3)))

    asyncio.run(run())
    spans = traced.spans()
    assert len(spans) == 6
    assert all(_who(span) == WHO for span in spans)


def test_inner_context_overrides_outer_when_nested(traced: Traced) -> None:
    client = traced.mock.client()
    outer = instrument.context(user_id="outer", tenant_id="t1", plan="pro")
    with outer, instrument.context(user_id="inner"):
        client.messages.create(model=MODEL, max_tokens=5, messages=USER)
    attrs = traced.only().attributes
    assert attrs["user.id"] == "inner"
    assert attrs["tracevault.tenant.id"] == "t1"
    assert attrs["tracevault.context.plan"] == "pro"


def test_agent_span_parents_model_and_tool_spans_when_decorated(traced: Traced) -> None:
    @instrument.tool
    def add(a: int, b: int) -> int:
        return a + b

    @instrument.agent("planner")
    def plan() -> None:
        traced.mock.client().messages.create(model=MODEL, max_tokens=5, messages=USER)
        add(1, 2)

    plan()
    agent = traced.only("invoke_agent")
    assert agent.name == "invoke_agent planner"
    for child in (traced.only("chat"), traced.only("execute_tool")):
        assert child.parent.span_id == agent.context.span_id
        assert child.context.trace_id == agent.context.trace_id
        assert child.attributes["gen_ai.agent.name"] == "planner"


def test_async_agent_records_error_when_body_raises(traced: Traced) -> None:
    @instrument.agent("broken")
    async def run() -> None:
        raise RuntimeError("agent failed")

    with pytest.raises(RuntimeError, match="agent failed"):
        asyncio.run(run())
    span = traced.only()
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes["error.type"] == "RuntimeError"
