"""Fixtures for the alert tests against a real `tracevault serve`: one collector per test
module, wired to one local Slack stand-in that lives as long as it does. Tests isolate
themselves by project (the root `project` fixture gives each test its own).

A module changes the collector's environment by overriding `serve_env`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.alerts.e2e import running_collector
from tests.alerts.slack_server import SlackServer
from tests.conftest import Collector


@pytest.fixture(scope="module")
def slack() -> Iterator[SlackServer]:
    """Module-wide (the parent conftest's is per test): the collector keeps its URL."""
    server = SlackServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def serve_env() -> dict[str, str]:
    return {}


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, slack: SlackServer, serve_env: dict[str, str]
) -> Iterator[Collector]:
    db = tmp_path_factory.mktemp("alerts-served") / "store.duckdb"
    with running_collector(db, slack, **serve_env) as collector:
        yield collector
