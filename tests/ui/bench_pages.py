"""How long each console page takes to render against a store of N spans (default 1M).

    python -m tests.ui.bench_pages --spans 1000000 --db /tmp/tv-bench-1m.duckdb

Builds the store once through a real collector (OTLP/JSON over HTTP, then the rollup job until
it has caught up) and keeps it for the next run; then renders every page with AppTest, cold
(empty st.cache_data) and warm, and prints the median of --runs renders. Not a test: timings
on a shared 2-core machine are not assertions.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import streamlit as st
from streamlit.testing.v1 import AppTest

from collector.process import CollectorProcess, start_collector
from tests.collector.otlp_json import request, span

PAGES = ["overview", "costs", "latency", "traces", "security", "alerts", "audit"]
SCREENS = Path(__file__).resolve().parents[2] / "ui" / "screens"
MODELS = ("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1")
ENV = {"TRACEVAULT_JOB_LATENESS_S": str(40 * 86400), "TRACEVAULT_JOB_INTERVAL_S": "3600",
       "TRACEVAULT_ALERTS_EVAL_INTERVAL_S": "3600", "TRACEVAULT_INGEST_QUEUE_BATCHES": "256"}


def task_spans(i: int, start: datetime) -> list[dict]:
    """A root, two model calls and a tool call: 4 spans, no content (metadata only)."""
    trace, root = secrets.token_hex(16), secrets.token_hex(8)
    ns = int(start.timestamp() * 1e9)
    who = {"gen_ai.agent.name": f"agent-{i % 3}", "user.id": f"u-{i % 500}",
           "session.id": f"s-{i // 4}", "tracevault.tenant.id": f"t-{i % 20}"}  # fmt: skip
    model = MODELS[i % 3]
    chat = {**who, "gen_ai.operation.name": "chat", "gen_ai.request.model": model,
            "gen_ai.provider.name": "anthropic", "gen_ai.usage.input_tokens": 1500 + i % 700,
            "gen_ai.usage.output_tokens": 200 + i % 300,
            "gen_ai.usage.cache_read.input_tokens": 1000}  # fmt: skip
    tool = {**who, "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": f"tool_{i % 5}"}
    return [
        span("invoke_agent", trace, root, None, {**who, "gen_ai.operation.name": "invoke_agent"},
             2 if i % 97 == 0 else 1, 3000.0 + i % 2000, ns),
        span(f"chat {model}", trace, secrets.token_hex(8), root, chat, 1, 400.0 + i % 900, ns),
        span("execute_tool", trace, secrets.token_hex(8), root, tool, 1, 30.0 + i % 200, ns),
        span(f"chat {model}", trace, secrets.token_hex(8), root, chat, 1, 300.0 + i % 700, ns),
    ]  # fmt: skip


def build_store(proc: CollectorProcess, ingest: str, n_spans: int, days: int) -> None:
    now, tasks, batch = datetime.now(UTC), n_spans // 4, 1000
    step = timedelta(days=days) / tasks
    started = time.monotonic()
    with httpx.Client(base_url=proc.url, timeout=120,
                      headers={"Authorization": f"Bearer {ingest}"}) as http:  # fmt: skip
        for first in range(0, tasks, batch):
            spans = [s for i in range(first, min(first + batch, tasks))
                     for s in task_spans(i, now - days * timedelta(days=1) + i * step)]
            http.post("/v1/traces", json=request(spans)).raise_for_status()
    print(f"ingested {n_spans} spans in {time.monotonic() - started:.0f}s", flush=True)


def catch_up(admin: httpx.Client) -> None:
    """Run the jobs until a tick finds nothing new (the rollups work 250k spans a tick)."""
    for _ in range(20):
        runs = admin.post("/api/jobs/run", timeout=600).json()["runs"]
        if all(not r.get("rows_read") for r in runs if r.get("job") == "rollups"):
            return


def render(page: str, cold: bool) -> float:
    if cold:
        st.cache_data.clear()
    at = AppTest.from_file(str(SCREENS / f"{page}.py"), default_timeout=120)
    started = time.perf_counter()
    at.run()
    took = time.perf_counter() - started
    assert not at.exception, [e.value for e in at.exception]
    return took


def baseline() -> float:
    """What AppTest itself costs, to read the page figures against."""
    at = AppTest.from_string("import streamlit as st\nst.title('x')")
    started = time.perf_counter()
    at.run()
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spans", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--db", default="/tmp/tv-bench-1m.duckdb")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    fresh = not Path(args.db).exists()
    admin_key = "tv_admin_bench_" + secrets.token_hex(8)
    proc = start_collector(Path(args.db), admin_key, env=ENV, log_path=Path(args.db + ".log"))
    try:
        admin = httpx.Client(base_url=proc.url, headers={"Authorization": f"Bearer {admin_key}"},
                             timeout=60)  # fmt: skip
        key = lambda role: admin.post("/api/keys", json={"project": "bench", "role": role}  # noqa: E731
                                      ).json()["key"]  # fmt: skip
        if fresh:
            build_store(proc, key("ingest"), args.spans, args.days)
        catch_up(admin)
        os.environ.update(TRACEVAULT_API_URL=proc.url, TRACEVAULT_API_KEY=key("read"))
        base = statistics.median(baseline() for _ in range(args.runs))
        print(f"{'(AppTest of an empty page)':<10} {base * 1000:7.0f} ms", flush=True)
        for page in PAGES:
            cold = statistics.median(render(page, True) for _ in range(args.runs))
            warm = statistics.median(render(page, False) for _ in range(args.runs))
            print(f"{page:<10} cold {cold * 1000:7.0f} ms   warm {warm * 1000:7.0f} ms", flush=True)
    finally:
        proc.stop()


if __name__ == "__main__":
    main()
