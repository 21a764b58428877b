"""Time from the first failing span to the Slack request, with default schedules.

A real `tracevault serve` (alerts evaluated every 30 s, the default; delivery worker polling
every second) sends to a local HTTP server standing in for Slack. An agent - a real Anthropic
client on the mock API, patched with `instrument.patch()` and its default export schedule -
makes 12 failing model calls in a fresh project; the default rule "Success rate below 90%"
must fire. Per trial we record:

- stored: first failing call -> its span visible through the API (export + ingest)
- slack:  first failing call -> the Slack request arrives (the figure the issue asks for)

Trials start at random offsets of the 30 s evaluation cycle.

    python benchmarks/alert_latency.py [--trials 3]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import anthropic
import httpx

import instrument
from collector.process import start_collector
from sample_data.mock import ApiError, MockAnthropic
from tests.alerts.slack_server import SlackServer

HOOK = "/services/T000/B000/bench"
RULE = "Success rate below 90%"


def _storm(url: str, ingest_key: str) -> float:
    """12 failing calls; returns the monotonic time just before the first one."""
    mock = MockAnthropic()
    mock.queue(*[ApiError(500)] * 12)
    instrument.patch(endpoint=url, api_key=ingest_key, service_name="bench-agent")
    client = mock.client(max_retries=0)
    started = time.monotonic()
    for _ in range(12):
        with contextlib.suppress(anthropic.APIStatusError):
            client.messages.create(model="claude-sonnet-4-6", max_tokens=16,
                                   messages=[{"role": "user", "content": "hi"}])  # fmt: skip
    return started


def _wait_stored(url: str, read_key: str, timeout: float = 60) -> float:
    headers = {"Authorization": f"Bearer {read_key}"}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        traces = httpx.get(f"{url}/api/traces", params={"status": "error"}, headers=headers)
        if traces.json()["traces"]:
            return time.monotonic()
        time.sleep(0.05)
    raise TimeoutError("span never stored")


def _slack_at(slack: SlackServer, project: str, timeout: float = 120) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for req in slack.requests(HOOK):
            body = req.json()
            if f"project {project} " in json.dumps(body) and RULE in body["text"]:
                return req.at
        time.sleep(0.05)
    raise TimeoutError("no Slack request")


def _key(url: str, admin_key: str, project: str, role: str) -> str:
    resp = httpx.post(f"{url}/api/keys", json={"project": project, "role": role},
                      headers={"Authorization": f"Bearer {admin_key}"})  # fmt: skip
    resp.raise_for_status()
    return resp.json()["key"]


def trial(url: str, admin_key: str, slack: SlackServer) -> dict[str, float]:
    project = "bench-" + secrets.token_hex(4)
    ingest, read = (_key(url, admin_key, project, role) for role in ("ingest", "read"))
    try:
        started = _storm(url, ingest)
        stored = _wait_stored(url, read)
        sent = _slack_at(slack, project)
    finally:
        instrument.unpatch()
    return {"stored_s": stored - started, "slack_s": sent - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    slack = SlackServer()
    admin_key = "tv_admin_bench_" + secrets.token_hex(8)
    env = {"TRACEVAULT_ALERTS_WEBHOOK_HOSTS": '["127.0.0.1"]',
           "TRACEVAULT_ALERTS_DEFAULT_SLACK_WEBHOOK": slack.url(HOOK)}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        proc = start_collector(Path(tmp) / "bench.duckdb", admin_key, env=env)
        try:
            results = []
            for i in range(args.trials):
                time.sleep(random.uniform(0, 5))  # land at different points of the cycle
                results.append(trial(proc.url, admin_key, slack))
                print(f"trial {i + 1}: stored {results[-1]['stored_s']:.2f} s, "
                      f"slack {results[-1]['slack_s']:.2f} s", flush=True)  # fmt: skip
        finally:
            proc.stop()
            slack.close()
    slack_s = [r["slack_s"] for r in results]
    stored_s = [r["stored_s"] for r in results]
    summary = {
        "trials": len(results),
        "slack_min_s": round(min(slack_s), 2),
        "slack_median_s": round(statistics.median(slack_s), 2),
        "slack_max_s": round(max(slack_s), 2),
        "stored_median_s": round(statistics.median(stored_s), 2),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
