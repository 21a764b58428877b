"""Nested values: JSON in strings, message parts, key context, unquoted numbers."""

from __future__ import annotations

import json

from instrument.redaction import Redactor


def test_message_parts_redacted_when_json_nested_in_json(redactor: Redactor) -> None:
    args = json.dumps({"to": "kim@example.com", "password": "hunter2", "max_tokens": 1024})
    messages = json.dumps([
        {"role": "user", "parts": [{"type": "text", "content": "I am at 203.0.113.42"}]},
        {"role": "assistant", "parts": [{"type": "tool_call", "id": "t1", "name": "mail",
                                         "arguments": args}]},
    ])
    [out], [counts] = redactor.redact_values([messages])
    doc = json.loads(out)
    assert doc[0]["parts"][0]["content"] == "I am at <IP_ADDRESS>"
    assert json.loads(doc[1]["parts"][0]["arguments"]) == {
        "to": "<EMAIL_ADDRESS>", "password": "<PASSWORD>", "max_tokens": 1024,
    }
    assert counts == {"IP_ADDRESS": 1, "EMAIL_ADDRESS": 1, "PASSWORD": 1}


def test_json_text_keeps_formatting_when_nothing_found(redactor: Redactor) -> None:
    text = '{"city":"Paris",   "days": 3}'
    assert redactor.redact(text).text == text


def test_person_key_value_tagged_when_name_shaped(redactor: Redactor) -> None:
    out = redactor.redact('{"cardholder": "Ana Souza", "name": "search_docs"}')
    assert out.text == '{"cardholder": "<PERSON>", "name": "search_docs"}'
    assert out.entities == {"PERSON": 1}


def test_secret_key_keeps_recognized_shape_when_recognizer_finds_it(redactor: Redactor) -> None:
    out = redactor.redact('{"Authorization": "Bearer abcDEF123456ghiJKL789", "token": 42}')
    assert out.text == '{"Authorization": "Bearer <BEARER_TOKEN>", "token": "<SECRET>"}'


def test_long_integer_redacted_when_it_is_a_card_number(redactor: Redactor) -> None:
    values, counts = redactor.redact_values([{"card": 4111111111111111, "qty": 3, "ok": True}])
    assert values == [{"card": "<CREDIT_CARD>", "qty": 3, "ok": True}]
    assert counts == [{"CREDIT_CARD": 1}]


def test_leaves_cached_when_conversation_resent() -> None:
    from instrument.redaction import RedactionConfig

    fresh = Redactor(RedactionConfig())
    turn = [{"role": "user", "parts": [{"type": "text", "content": "mail zed@example.com"}]}]
    fresh.redact(json.dumps(turn))
    analyzed = fresh.cache.misses
    turn.append({"role": "assistant", "parts": [{"type": "text", "content": "Done."}]})
    fresh.redact(json.dumps(turn))
    # the new whole text and the new leaves miss; the old leaves ("user", "text", the message) hit
    assert fresh.cache.misses - analyzed == 3
    assert fresh.cache.hits == 3
