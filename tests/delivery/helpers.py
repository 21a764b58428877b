"""Shared pieces of the delivery tests that talk to real collector processes."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from collector.process import CollectorProcess, start_collector
from instrument.delivery import DeliveryConfig, SpoolingSpanExporter
from tests.delivery.spans import trace_id_hex


def fast_config(endpoint: str, key: str | None, spool: Path, **overrides: Any) -> DeliveryConfig:
    """Short waits so tests finish quickly; everything else as in production."""
    options: dict[str, Any] = dict(linger_s=0.05, backoff_base_s=0.05, backoff_max_s=0.3, env={})
    return DeliveryConfig(
        endpoint=endpoint, api_key=key, spool_dir=spool, **{**options, **overrides}
    )


@contextmanager
def exporting(config: DeliveryConfig, **kwargs: Any) -> Iterator[SpoolingSpanExporter]:
    exporter = SpoolingSpanExporter(config, **kwargs)
    try:
        yield exporter
    finally:
        exporter.shutdown()


def wait_written(exporter: SpoolingSpanExporter, spans: int, timeout: float = 20.0) -> None:
    """Until `spans` spans are on disk (the writer's count); no timing is asserted."""
    deadline = time.monotonic() + timeout
    while exporter.stats().written_spans < spans:
        assert time.monotonic() < deadline, f"not on disk: {exporter.stats()}"
        time.sleep(0.01)


def stored_spans(url: str, key: str, trace: int = 0xAB) -> list[dict[str, Any]]:
    """Every stored span of the trace, as the REST API returns it (empty if none)."""
    headers = {"Authorization": f"Bearer {key}"}
    resp = httpx.get(f"{url}/api/traces/{trace_id_hex(trace)}", headers=headers, timeout=30)
    if resp.status_code == 404:
        return []
    assert resp.status_code == 200, resp.text
    return resp.json()["spans"]


def stored_ids(url: str, key: str, trace: int = 0xAB) -> list[str]:
    return sorted(span["span_id"] for span in stored_spans(url, key, trace))


def new_admin_key() -> str:
    return "tv_admin_late_" + secrets.token_hex(6)


@contextmanager
def late_collector(tmp_path: Path, port: int, admin: str) -> Iterator[CollectorProcess]:
    """A real `tracevault serve` started now on `port`, which was dead until this moment.
    Its admin key (project "default") is chosen up front so the exporter can use it."""
    proc = start_collector(tmp_path / "late.duckdb", admin, port=port, log_path=tmp_path / "l.log")
    try:
        yield proc
    finally:
        proc.stop()
