"""Shared fixtures: a real `tracevault serve` process on a free loopback port, with a
temporary DuckDB file and an admin key, plus key helpers."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from collector.process import CollectorProcess, start_collector


@dataclass
class Collector:
    process: CollectorProcess
    admin: httpx.Client

    @property
    def url(self) -> str:
        return self.process.url

    def new_key(self, project: str, role: str) -> str:
        resp = self.admin.post("/api/keys", json={"project": project, "role": role})
        assert resp.status_code == 201, resp.text
        return resp.json()["key"]

    def client(self, key: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {key}"}, timeout=30
        )


def _start(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collector]:
    tmp = tmp_path_factory.mktemp("collector")
    admin_key = "tv_admin_test_" + secrets.token_hex(8)
    proc = start_collector(tmp / "store.duckdb", admin_key, log_path=tmp / "serve.log")
    admin = httpx.Client(
        base_url=proc.url, headers={"Authorization": f"Bearer {admin_key}"}, timeout=30
    )
    try:
        yield Collector(proc, admin)
    finally:
        admin.close()
        proc.stop()


@pytest.fixture(scope="module")
def collector(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collector]:
    """One collector process per test module; tests isolate themselves by project."""
    yield from _start(tmp_path_factory)


@pytest.fixture
def project() -> str:
    return "proj-" + secrets.token_hex(4)


@pytest.fixture(autouse=True)
def _private_spool(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Each test's default exporter spools into its own temp dir, never the user's cache."""
    monkeypatch.setenv("TRACEVAULT_SPOOL_DIR", str(tmp_path_factory.mktemp("spool")))
