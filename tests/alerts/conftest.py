"""Fixtures for the alert tests: a real DuckDB store in a temp file, canonical span records at
fixed times, an evaluation context with a fake probe, and the local Slack stand-in."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from analytics.alerts.defaults import default_specs
from analytics.alerts.evaluate import AlertContext
from analytics.alerts.measure import Probe
from collector.store import DuckDBStore, IngestBatch, records_to_table
from tests.alerts.slack_server import SlackServer

NOW = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)
PROJECT = "shop"
CONSOLE = "http://console.test"


def span(
    at: datetime, *, status: str = "ok", project: str = PROJECT, **fields: Any
) -> dict[str, Any]:
    """A canonical chat span at `at`, with fields overridable by keyword."""
    record = {
        "project": project,
        "trace_id": secrets.token_hex(16),
        "span_id": secrets.token_hex(8),
        "service_name": "support-agent",
        "name": "chat claude-sonnet-4-5",
        "kind": "client",
        "start_time": at,
        "end_time": at + timedelta(milliseconds=fields.get("duration_ms", 100.0)),
        "duration_ms": 100.0,
        "status": status,
        "operation": "chat",
        "provider": "anthropic",
        "request_model": "claude-sonnet-4-5",
        "response_model": "claude-sonnet-4-5-20250929",
        "cost_usd": 0.01,
        "received_at": at,
    }
    record.update(fields)
    return record


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DuckDBStore]:
    s = DuckDBStore(tmp_path / "alerts.duckdb")
    yield s
    s.close()


@pytest.fixture
def ingest(store: DuckDBStore) -> Callable[[list[dict[str, Any]]], int]:
    def send(records: list[dict[str, Any]]) -> int:
        batch = IngestBatch(records[0]["project"], None, records_to_table(records))
        return store.ingest(batch).result()

    return send


class FakeProbe:
    def __init__(self) -> None:
        self.depth = 0
        self.failures = 0

    def probe(self) -> Probe:
        return Probe(lambda: self.depth, lambda: self.failures)


@pytest.fixture
def probe() -> FakeProbe:
    return FakeProbe()


@pytest.fixture
def ctx(store: DuckDBStore, probe: FakeProbe) -> AlertContext:
    return AlertContext(store, CONSOLE, default_specs(48), probe.probe())


@pytest.fixture
def slack() -> Iterator[SlackServer]:
    server = SlackServer()
    yield server
    server.close()
