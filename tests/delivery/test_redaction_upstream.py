"""The spool sits downstream of redaction: a patched agent's raw PII and secrets never reach
the disk, only the redacted text does (real Anthropic client, real default redactor)."""

from __future__ import annotations

import gzip
from pathlib import Path

import instrument
from collector.process import free_port
from instrument.delivery import SpoolingSpanExporter
from sample_data.mock import MockAnthropic, Reply
from tests.delivery.helpers import fast_config, wait_written
from tests.instrument.conftest import reset_global_tracer_provider

EMAIL = "alice.liddell@example.com"
API_KEY = "sk-ant-api03-" + "Q" * 93 + "-AAAAAAAA"


def test_spool_holds_only_redacted_content_when_agent_is_patched(tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}"  # collector away: everything stays spooled
    exporter = SpoolingSpanExporter(fast_config(down, None, tmp_path))
    instrument.patch(exporter=exporter, raise_internal_errors=True, capture_content="redacted")
    try:
        mock = MockAnthropic().queue(Reply.text(f"I wrote to {EMAIL}"))
        mock.client().messages.create(
            model="claude-haiku-4-5",
            max_tokens=20,
            messages=[{"role": "user", "content": f"mail {EMAIL}, my key is {API_KEY}"}],
        )
        instrument.flush(timeout=1)  # False: nothing delivered, the collector is down
        wait_written(exporter, 1)
    finally:
        instrument.unpatch()
        reset_global_tracer_provider()
        exporter.shutdown()
    [spooled] = [gzip.decompress(p.read_bytes()) for p in exporter.spool_directory.glob("*.pb.gz")]
    assert b"<EMAIL_ADDRESS>" in spooled
    assert b"<ANTHROPIC_API_KEY>" in spooled
    assert EMAIL.encode() not in spooled
    assert b"sk-ant-api03" not in spooled
    assert b"example.com" not in spooled
