"""Alert replay of a week of traffic at 5-minute steps with the 7 default rules.

    /work/venv/bin/python benchmarks/alert_replay.py --spans 10000 --days 7 --step 300

A DuckDB store gets `--spans` chat spans spread evenly over the last `--days` days (through
the store's ingest path, 512 per batch, 10% with content), with incidents: a success-rate
drop, a burst of 401s and an hour of expensive calls, every 24 hours. Then
`replay_alerts(runtime, ...)` runs as `POST /api/alerts/replay` would. Timed separately: the
analytics jobs it runs first (cold: every job catches up on all spans), and a second replay
(jobs already up to date: the replay alone). Target: a week in well under 30 s.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from analytics.alerts.replay import replay_alerts, run_jobs_first
from collector.runtime import build_runtime
from collector.settings import Settings
from collector.store import IngestBatch, records_to_table

PROJECT = "bench"


def _content(i: int) -> str:
    text = f"Where is my order {i % 977}? Please check the refund status."
    return json.dumps({"input_messages": [{"role": "user", "parts": [
        {"type": "text", "content": text}]}]})  # fmt: skip


def _incident(offset: timedelta) -> dict[str, Any]:
    """Fields of a span `offset` into its day: which incident (if any) it is part of."""
    minutes = offset.total_seconds() / 60
    if 600 <= minutes < 610:
        return {"status": "error", "error_class": "transient"}
    if 900 <= minutes < 903:
        return {"status": "error", "http_status": 401, "error_type": "authentication_error"}
    if 1200 <= minutes < 1260:
        return {"cost_usd": 0.2}
    return {}


def _record(i: int, at: datetime, day_start: datetime) -> dict[str, Any]:
    record = {
        "project": PROJECT, "trace_id": f"{i:032x}", "span_id": f"{i:016x}",
        "service_name": "support-agent", "name": "chat claude-sonnet-4-5", "kind": "client",
        "start_time": at, "end_time": at + timedelta(milliseconds=800), "duration_ms": 800.0,
        "status": "ok", "operation": "chat", "provider": "anthropic",
        "request_model": "claude-sonnet-4-5", "response_model": "claude-sonnet-4-5",
        "cost_usd": 0.004, "received_at": datetime.now(UTC),
        "content": _content(i) if i % 10 == 0 else None,
    }  # fmt: skip
    record.update(_incident(at - day_start))
    return record


def fill(runtime: Any, spans: int, since: datetime, until: datetime) -> None:
    gap = (until - since) / spans
    batch: list[dict[str, Any]] = []
    for i in range(spans):
        at = since + gap * i
        day = at.replace(hour=0, minute=0, second=0, microsecond=0)
        batch.append(_record(i, at, day))
        if len(batch) == 512 or i == spans - 1:
            runtime.store.ingest(IngestBatch(PROJECT, None, records_to_table(batch))).result()
            batch = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spans", type=int, default=10_000)
    parser.add_argument("--days", type=float, default=7)
    parser.add_argument("--step", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db_path=Path(tmp) / "replay.duckdb", scheduler_enabled=False)
        runtime = build_runtime(settings)  # services are built but never started
        try:
            until = datetime.now(UTC)
            since = until - timedelta(days=args.days)
            fill(runtime, args.spans, since, until)
            t0 = time.perf_counter()
            jobs = run_jobs_first(runtime)
            jobs_s = time.perf_counter() - t0
            first = replay_alerts(runtime, PROJECT, since, until, args.step)
            second = replay_alerts(runtime, PROJECT, since, until, args.step)
        finally:
            runtime.close()
    print(f"spans={args.spans} days={args.days} step_s={args.step} steps={first['steps']} "
          f"rules={first['rules']}")  # fmt: skip
    print(f"jobs first (cold): {jobs_s:.2f} s  {[j['job'] for j in jobs]}")
    for name, out in (("replay 1", first), ("replay 2", second)):
        print(f"{name}: {out['duration_ms'] / 1000:.2f} s  fired={out['fired']} "
              f"resolved={out['resolved']} firing_at_end={out['firing_at_end']} "
              f"replaced={out['replaced']} errors={out['errors']}")  # fmt: skip
    by_rule: dict[str, int] = {}
    for episode in first["episodes"]:
        by_rule[episode["rule_name"]] = by_rule.get(episode["rule_name"], 0) + 1
    print("episodes by rule:", json.dumps(by_rule))


if __name__ == "__main__":
    main()
