"""Helpers for the end-to-end alert tests: a `tracevault serve` process wired to the local
Slack stand-in, and an agent (a real Anthropic client on the mock transport, instrumented
with `instrument.patch()`) that exports its spans to it."""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anthropic
import httpx

import instrument
from collector.process import start_collector
from sample_data.mock import ApiError, MockAnthropic, Reply
from tests.alerts.slack_server import Recorded, SlackServer
from tests.conftest import Collector

DEFAULT_HOOK = "/services/T000/B000/default"
CONSOLE = "http://console.test"


def collector_env(slack: SlackServer, **extra: str) -> dict[str, str]:
    return {
        "TRACEVAULT_ALERTS_WEBHOOK_HOSTS": json.dumps(["127.0.0.1"]),
        "TRACEVAULT_ALERTS_DEFAULT_SLACK_WEBHOOK": slack.url(DEFAULT_HOOK),
        "TRACEVAULT_ALERTS_EVAL_INTERVAL_S": "0.5",
        "TRACEVAULT_ALERTS_DELIVERY_BACKOFF_S": "0.2",
        "TRACEVAULT_CONSOLE_URL": CONSOLE,
        "TRACEVAULT_JOB_INTERVAL_S": "3600",  # the other analytics jobs stay out of the way
        **extra,
    }


@contextlib.contextmanager
def running_collector(
    db: Path, slack: SlackServer, admin_key: str | None = None, **env: str
) -> Iterator[Collector]:
    admin_key = admin_key or "tv_admin_alerts_" + secrets.token_hex(8)
    proc = start_collector(db, admin_key, env=collector_env(slack, **env),
                           log_path=db.with_suffix(".log"))  # fmt: skip
    admin = httpx.Client(base_url=proc.url, headers={"Authorization": f"Bearer {admin_key}"},
                         timeout=30)  # fmt: skip
    try:
        yield Collector(proc, admin)
    finally:
        admin.close()
        proc.stop()


@contextlib.contextmanager
def agent(url: str, ingest_key: str) -> Iterator[Callable[..., None]]:
    """`call(n, outcome)` makes n model calls that get `outcome` and exports their spans."""
    mock = MockAnthropic()
    instrument.patch(endpoint=url, api_key=ingest_key, service_name="support-agent")
    client = mock.client(max_retries=0)

    def call(n: int, outcome: Reply | ApiError | None = None) -> None:
        mock.queue(*[outcome or Reply()] * n)
        for _ in range(n):
            with contextlib.suppress(anthropic.APIStatusError):
                client.messages.create(model="claude-sonnet-4-6", max_tokens=16,
                                       messages=[{"role": "user", "content": "hi"}])  # fmt: skip
        assert instrument.flush()

    try:
        yield call
    finally:
        instrument.unpatch()


def messages_for(slack: SlackServer, path: str, project: str, rule: str) -> list[Recorded]:
    """Slack messages on `path` about `rule` in `project` (the context block names both)."""
    found = []
    for req in slack.requests(path):
        body = req.json()
        context = body["blocks"][-1]["elements"][0]["text"]
        if f"project {project} " in context and body["blocks"][0]["text"]["text"].endswith(rule):
            found.append(req)
    return found


def wait_until(check: Callable[[], Any], timeout: float = 30.0, every: float = 0.1) -> Any:
    """Poll `check` until it returns something truthy; raise on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(every)
    raise TimeoutError(f"condition not met within {timeout}s")


def settle(ticks: int = 4) -> None:
    """Let a few evaluation ticks (0.5 s each) pass, to see that nothing more is sent."""
    time.sleep(ticks * 0.5)
