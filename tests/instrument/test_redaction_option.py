"""patch(redaction=...) configures the SDK's redactor; bad settings fail in patch()."""

from __future__ import annotations

import json

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import instrument
from sample_data.mock import MockAnthropic, Reply


def test_own_recognizer_redacts_span_content_when_passed_to_patch() -> None:
    exporter = InMemorySpanExporter()
    settings = {"custom_recognizers": [{"entity": "EMPLOYEE_ID", "pattern": r"EMP-\d{6}"}]}
    instrument.patch(exporter=exporter, redaction=settings, raise_internal_errors=True)
    try:
        MockAnthropic().queue(Reply.text("ok")).client().messages.create(
            model="claude-haiku-4-5",
            max_tokens=5,
            messages=[{"role": "user", "content": "Badge EMP-654321 is locked"}],
        )
        assert instrument.flush(timeout=30)
    finally:
        instrument.unpatch()
    (span,) = exporter.get_finished_spans()
    messages = json.loads(span.attributes["gen_ai.input.messages"])
    assert messages[0]["parts"][0]["content"] == "Badge <EMPLOYEE_ID> is locked"
    assert span.attributes["tracevault.redaction.entities.EMPLOYEE_ID"] == 1


def test_patch_fails_at_once_on_a_bad_recognizer() -> None:
    bad = {"custom_recognizers": [{"entity": "badname", "pattern": "x"}]}
    with pytest.raises(instrument.ConfigError, match="UPPER_SNAKE_CASE"):
        instrument.patch(redaction=bad)
    assert not instrument.is_patched()
