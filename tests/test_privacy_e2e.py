"""No raw PII or secret reaches the store: not in any table, not in the bytes of the DuckDB
file or its WAL. Sent three ways: through instrument.patch(), and as OpenLLMetry-style and
OpenInference-style spans carrying raw content (redacted by the collector before writing)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

import instrument
from sample_data.mock import MockAnthropic, Reply
from tests.collector.otlp_json import request, span
from tests.conftest import Collector, _start

SECRETS = [
    "jane.doe@examplecorp.com",
    "+1 (415) 555-0134",
    "4111 1111 1111 1111",
    "536-22-8475",
    "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefABCDEF-xyzAA",
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ12",
    "S3cretPassw0rd",
    "DE89370400440532013000",
]
PROMPT = (
    "Hi, I'm locked out. My email is jane.doe@examplecorp.com, phone +1 (415) 555-0134, "
    "card 4111 1111 1111 1111, SSN 536-22-8475. Our key is "
    "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefABCDEF-xyzAA and AWS "
    "AKIAIOSFODNN7EXAMPLE; the repo token ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ12; "
    "db postgres://admin:S3cretPassw0rd@db.internal:5432/app; IBAN DE89370400440532013000."
)


@pytest.fixture(scope="module")
def own_collector(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collector]:
    # A private collector: this test stops it to read the file, and scans all its bytes.
    yield from _start(tmp_path_factory)


def _send_through_sdk(collector: Collector) -> None:
    mock = MockAnthropic().queue(Reply.text(f"Thanks! I noted {SECRETS[0]} for the reset."))
    instrument.patch(endpoint=collector.url, api_key=collector.new_key("priv", "ingest"))
    try:
        with instrument.tool_span("lookup_customer", arguments={"email": SECRETS[0]}) as run:
            run.set_result({"phone": SECRETS[1], "card": SECRETS[2]})
        mock.client().messages.create(
            model="claude-sonnet-4-5",
            max_tokens=200,
            system=f"Escalate to {SECRETS[0]} if needed.",
            messages=[{"role": "user", "content": PROMPT}],
        )
        assert instrument.flush(timeout=60)
    finally:
        instrument.unpatch()


def _send_raw_peer_spans(collector: Collector) -> None:
    openllmetry = {
        "gen_ai.system": "Anthropic",
        "gen_ai.request.model": "claude-sonnet-4-5",
        "gen_ai.prompt.0.role": "user",
        "gen_ai.prompt.0.content": PROMPT,
        "gen_ai.completion.0.content": f"Reset sent to {SECRETS[0]}",
        "traceloop.entity.input": json.dumps({"args": [PROMPT]}),
    }
    openinference = {
        "openinference.span.kind": "LLM",
        "llm.model_name": "claude-sonnet-4-5",
        "llm.input_messages.0.message.role": "user",
        "llm.input_messages.0.message.content": PROMPT,
        "input.value": json.dumps({"messages": [{"role": "user", "content": PROMPT}]}),
        "output.value": f"Card {SECRETS[2]} is blocked",
    }
    payload = request([span(attributes=openllmetry), span(attributes=openinference)])
    with collector.client(collector.new_key("priv", "ingest")) as ingest:
        resp = ingest.post("/v1/traces", json=payload)
    assert resp.status_code == 200, resp.text


def _table_dump(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        rows = {t: con.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}
        count = con.execute("SELECT count(*) FROM spans").fetchone()
    finally:
        con.close()
    assert count and count[0] >= 4  # the spans did land
    return json.dumps(rows, default=str)


def test_no_raw_secret_reaches_tables_file_or_wal(own_collector: Collector) -> None:
    _send_through_sdk(own_collector)
    _send_raw_peer_spans(own_collector)
    db = own_collector.process.db_path
    wal = Path(str(db) + ".wal")
    raw_before_stop = db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    own_collector.process.stop()
    dump = _table_dump(db)
    raw_after = db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert "<EMAIL_ADDRESS>" in dump and "<ANTHROPIC_API_KEY>" in dump
    for value in SECRETS:
        assert value not in dump, value
        for raw in (raw_before_stop, raw_after):
            assert value.encode() not in raw, value
    # Positive control: benign text from the same prompt IS visible in the raw bytes, so the
    # byte scan above can see content at all (not defeated by compression).
    assert b"db.internal:5432/app" in raw_before_stop + raw_after
    log = (db.parent / "serve.log").read_text()
    assert not [v for v in SECRETS if v in log]
