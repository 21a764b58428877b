"""Server-side redaction of spans from other emitters, convention by convention."""

from __future__ import annotations

import json

from collector.server_redaction import has_raw_content, redact_span_content, redact_spans
from instrument.redaction import Redactor

EMAIL = "lee.park@example.com"
CARD = "4111 1111 1111 1111"


def otel_span() -> tuple[dict, list]:
    messages = [
        {"role": "user", "parts": [{"type": "text", "content": f"Charge card {CARD}"}]},
        {"role": "tool", "parts": [{"type": "tool_call_response", "id": "t1",
                                    "response": {"email": EMAIL}}]},
    ]
    attrs = {
        "gen_ai.request.model": "claude-sonnet-4-5",
        "gen_ai.input.messages": json.dumps(messages),
        "gen_ai.system_instructions": json.dumps([{"type": "text", "content": "Be brief."}]),
        "gen_ai.tool.call.arguments": json.dumps({"email": EMAIL}),
        "user.id": "u-17",
    }
    return attrs, []


def test_otel_content_redacted_when_span_from_other_emitter(redactor: Redactor) -> None:
    attrs, events = otel_span()
    counts = redact_span_content(attrs, events, redactor)
    assert counts == {"CREDIT_CARD": 1, "EMAIL_ADDRESS": 2}
    parts = json.loads(attrs["gen_ai.input.messages"])
    assert parts[0]["parts"][0]["content"] == "Charge card <CREDIT_CARD>"
    assert parts[1]["parts"][0]["response"] == {"email": "<EMAIL_ADDRESS>"}
    assert json.loads(attrs["gen_ai.tool.call.arguments"]) == {"email": "<EMAIL_ADDRESS>"}
    assert attrs["gen_ai.request.model"] == "claude-sonnet-4-5"  # metadata untouched
    assert attrs["user.id"] == "u-17"


def test_openllmetry_and_openinference_redacted_when_raw(redactor: Redactor) -> None:
    attrs = {
        "gen_ai.prompt.0.role": "user",
        "gen_ai.prompt.0.content": f"my email is {EMAIL}",
        "gen_ai.completion.0.content": "Noted, 203.0.113.42 is blocked.",
        "traceloop.entity.input": json.dumps({"inputs": {"card": CARD}}),
        "llm.input_messages.0.message.content": f"card {CARD}",
        "input.value": json.dumps({"q": EMAIL}),
        "output.value": "ok",
        "llm.model_name": "claude-haiku-4-5",
    }
    counts = redact_span_content(attrs, [], redactor)
    assert counts == {"EMAIL_ADDRESS": 2, "IP_ADDRESS": 1, "CREDIT_CARD": 2}
    assert attrs["gen_ai.prompt.0.content"] == "my email is <EMAIL_ADDRESS>"
    assert attrs["llm.input_messages.0.message.content"] == "card <CREDIT_CARD>"
    assert attrs["traceloop.entity.input"] == '{"inputs": {"card": "<CREDIT_CARD>"}}'
    assert attrs["llm.model_name"] == "claude-haiku-4-5"


def test_event_bodies_redacted_when_genai_and_exception_events(redactor: Redactor) -> None:
    events = [
        {"name": "gen_ai.user.message", "time_ns": 1,
         "attributes": {"gen_ai.system": "anthropic", "content": f"hi, {EMAIL} here"}},
        {"name": "gen_ai.choice", "time_ns": 2,
         "attributes": {"index": 0, "message": {"role": "assistant", "content": f"to {EMAIL}"}}},
        {"name": "exception", "time_ns": 3,
         "attributes": {"exception.type": "ValueError", "exception.message": f"bad {EMAIL}"}},
    ]
    counts = redact_span_content({}, events, redactor)
    assert counts == {"EMAIL_ADDRESS": 3}
    assert events[0]["attributes"] == {"gen_ai.system": "anthropic",
                                       "content": "hi, <EMAIL_ADDRESS> here"}
    assert events[1]["attributes"]["message"] == {"role": "assistant",
                                                  "content": "to <EMAIL_ADDRESS>"}
    assert events[2]["attributes"]["exception.message"] == "bad <EMAIL_ADDRESS>"


def test_sdk_span_skipped_when_marked(redactor: Redactor) -> None:
    attrs = {"tracevault.redaction.by": "tracevault-sdk", "gen_ai.input.messages": EMAIL}
    assert has_raw_content(attrs, []) is False
    assert redact_span_content(attrs, [], redactor) == {}
    assert attrs["gen_ai.input.messages"] == EMAIL


def test_raw_content_detected_when_present() -> None:
    assert has_raw_content({"input.value": "x"}, []) is True
    assert has_raw_content({"gen_ai.request.model": "m", "input.value": ""}, []) is False
    assert has_raw_content({}, [{"name": "gen_ai.choice", "attributes": {"message": "x"}}])


def test_batch_counts_per_span_when_many_spans(redactor: Redactor) -> None:
    spans = [({"output.value": f"a {EMAIL}"}, []), ({"gen_ai.request.model": "m"}, []),
             ({"output.value": f"b {EMAIL} {EMAIL}"}, [])]
    assert redact_spans(spans, redactor) == [{"EMAIL_ADDRESS": 1}, {}, {"EMAIL_ADDRESS": 2}]
    assert spans[2][0]["output.value"] == "b <EMAIL_ADDRESS> <EMAIL_ADDRESS>"
