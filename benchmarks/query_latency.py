"""Latency of GET /api/metrics/summary and /timeseries over HTTP on 1M- and 10M-span stores.

    /work/venv/bin/python benchmarks/query_latency.py --stored 1000000 10000000

Each store holds `stored` spans over 30 days in 4 projects (70% in the measured one, "bench"),
with 24 models, 30 agents, 60 tools, 5,000 users, 200 tenants and a session per 200 spans. The
history is rolled up in one-day slices (as a backlog is worked off; analytics.rollups keeps the
rollup rows in time order either way), and then `--tail` spans arrive in the last minute and
stay un-rolled-up (the scheduler is off), so every answer also reads raw spans past the
watermark. A built store is cached as /tmp/tv-query-latency-<stored>.duckdb (or `--db`).

Model-call durations are log-uniform over 50 ms to 10 s (per span, so every user and model has
a wide histogram). A real `tracevault serve` is started on the store; each console query shape
is requested once ("first": cold for that shape; the very first request after start is the cold
one for the process) and then `--requests` times, in rounds over all shapes. Reported per
shape: first, p50, p95 and max wall ms, and server CPU ms per request (from /proc).
Target (issue 6): p95 < 150 ms at 10M.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb
import httpx

from benchmarks.jobs import BATCH, _fill, _roll_history
from collector.process import CollectorProcess, start_collector
from collector.store import DuckDBStore

PROJECT = "bench"
DAYS = 30
# One span's SELECT list (columns in spans order after span_key, batch_id; see jobs._ROW).
# Dimension values follow the trace (i // 10), as a real agent's task keeps its model and user.
_TEMPLATE = f"""
  hash(i)::UHUGEINT << 64 | i::UHUGEINT, i // {BATCH} + ?,
  CASE WHEN (i // 10) % 10 < 7 THEN '{PROJECT}' ELSE 'other-' || (i // 10) % 3 END,
  md5((i // 10)::VARCHAR), substr(md5(i::VARCHAR), 1, 16),
  CASE WHEN i % 10 = 0 THEN NULL ELSE substr(md5((i - i % 10)::VARCHAR), 1, 16) END,
  'svc-' || (i // 10) % 5, 'span', 'client', t, t + INTERVAL 1 SECOND,
  exp(ln(50) + hash(i) % 100000 / 100000 * ln(200)),
  CASE WHEN i % 50 = 0 THEN 'error' ELSE 'ok' END, NULL,
  CASE WHEN i % 10 = 0 THEN 'invoke_agent' WHEN i % 10 < 4 THEN 'execute_tool' ELSE 'chat' END,
  'anthropic', 'claude-' || (i // 10) % 24, NULL, 1000 + i % 500, 100 + i % 50, i % 300, 0,
  0.001 * (1 + i % 7), 'stop',
  CASE WHEN i % 10 BETWEEN 1 AND 3 THEN 'tool_' || (i * 31) % 60 END, NULL,
  'agent-' || (i // 10) % 30, 'user-' || ((i // 10) * 7919) % 5000, 'sess-' || i // 200,
  'tenant-' || ((i // 10) * 7919) % 5000 % 200, NULL, NULL,
  CASE WHEN i % 50 = 0 THEN 'transient' END, NULL, '{{}}', '{{}}', NULL, NULL, NULL, NULL,
  {{received}}
"""
# The console's windows (ui/state.py) and the shapes its pages ask for (ui/screens/).
WINDOWS = {"1h": (timedelta(hours=1), "minute"), "24h": (timedelta(hours=24), "hour"),
           "7d": (timedelta(days=7), "day"), "30d": (timedelta(days=30), "day")}  # fmt: skip
# "top20": a split by user/tenant with top=20 (the rest merged into "(other)"); "lean": also
# percentiles=false (the Costs page shows no percentiles). Plain user/tenant: today's console.
_SPLITS = [
    ("", {}),
    (" top20", {"top": "20"}),
    (" top20 lean", {"top": "20", "percentiles": "false"}),
]
SHAPES: list[tuple[str, str, dict[str, str]]] = [
    *[(f"summary {w}", "summary", {}) for w in WINDOWS],
    *[(f"timeseries {w} {by or '-'}", "timeseries", {"by": by} if by else {})
      for w in WINDOWS for by in (None, "model", "agent")],
    *[(f"timeseries {w} {by}{name}", "timeseries", {"by": by, **extra})
      for name, extra in _SPLITS for w in WINDOWS for by in ("user", "tenant")
      if name or w != "30d"],  # a plain 30-day split by user is 150k points
    ("timeseries 24h model day", "timeseries", {"by": "model", "bucket": "day"}),
]  # fmt: skip


def _span_end(path: Path) -> datetime:
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute("SELECT max(received_at) FROM spans").fetchone()
    assert row and row[0], f"{path} holds no spans"
    return row[0]


def build(path: Path, stored: int, tail: int, now: datetime) -> None:
    """History over 30 days rolled up to its end, then `tail` spans in the last minute."""
    store = DuckDBStore(path)
    try:
        step = int(DAYS * 86400e6 / stored)
        _fill(store, 0, stored, (now - timedelta(days=DAYS, minutes=1)).isoformat(), step, "t",
              template=_TEMPLATE)  # fmt: skip
        last = (stored + BATCH - 1) // BATCH
        slice_ = last // DAYS + 1
        for lo in range(0, last, slice_):
            _roll_history(store, min(lo + slice_, last), ["rollups"], lo)
        _fill(store, last * BATCH, tail, (now - timedelta(minutes=1)).isoformat(),
              int(60e6 / max(tail, 1)), f"TIMESTAMPTZ '{now.isoformat()}'",
              template=_TEMPLATE)  # fmt: skip
        store.write(lambda con: con.execute("CHECKPOINT")).result()
    finally:
        store.close()


def ensure_store(path: Path, stored: int, tail: int) -> datetime:
    if not path.exists():
        t0, c0 = time.perf_counter(), time.process_time()
        now = datetime.now().astimezone().replace(second=0, microsecond=0)
        build(path, stored, tail, now)
        print(f"  built {path} in {time.perf_counter() - t0:.0f} s "
              f"(CPU {time.process_time() - c0:.0f} s)")  # fmt: skip
    return _span_end(path)


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _params(shape: str, extra: dict[str, str], until: datetime) -> dict[str, str]:
    length, bucket = WINDOWS[shape.split()[1]]
    base = {"since": (until - length).isoformat(), "until": until.isoformat()}
    return {**base, **({"bucket": bucket} if shape.startswith("timeseries") else {}), **extra}


def measure(proc: CollectorProcess, key: str, until: datetime, rounds: int
            ) -> dict[str, dict[str, float]]:  # fmt: skip
    client = httpx.Client(base_url=proc.url, headers={"Authorization": f"Bearer {key}"},
                          timeout=60)  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name, _, _ in SHAPES}
    cpu: dict[str, float] = dict.fromkeys(times, 0.0)
    with client:
        for r in range(rounds + 1):  # round 0 is each shape's first request
            for name, path, extra in SHAPES:
                c0, t0 = _cpu_s(proc.proc.pid), time.perf_counter()
                resp = client.get(f"/api/metrics/{path}", params=_params(name, extra, until))
                times[name].append((time.perf_counter() - t0) * 1000)
                cpu[name] += (_cpu_s(proc.proc.pid) - c0) * 1000 if r else 0.0
                assert resp.status_code == 200, resp.text
    return {name: _stats(ms, cpu[name] / rounds) for name, ms in times.items()}


def _stats(ms: list[float], cpu_ms: float) -> dict[str, float]:
    warm = sorted(ms[1:])
    p95 = warm[max(0, -(-95 * len(warm) // 100) - 1)]  # nearest rank
    return {"first": ms[0], "p50": statistics.median(warm), "p95": p95, "max": warm[-1],
            "cpu": cpu_ms}  # fmt: skip


def run(path: Path, stored: int, tail: int, rounds: int) -> None:
    end = ensure_store(path, stored, tail)
    until = end.replace(second=0, microsecond=0) + timedelta(minutes=1)  # as the console asks
    admin = "tv_admin_bench_" + secrets.token_hex(8)
    env = {"TRACEVAULT_SCHEDULER_ENABLED": "false"}  # keep the tail un-rolled-up
    proc = start_collector(path, admin, env=env)
    try:
        resp = httpx.post(f"{proc.url}/api/keys", json={"project": PROJECT, "role": "read"},
                          headers={"Authorization": f"Bearer {admin}"}, timeout=30)  # fmt: skip
        resp.raise_for_status()
        results = measure(proc, resp.json()["key"], until, rounds)
    finally:
        proc.stop()
    _report(stored, results)


def _report(stored: int, results: dict[str, Any]) -> None:
    print(f"stored={stored:,}  (ms; cpu = server CPU ms per request)")
    print(f"  {'shape':34} {'first':>7} {'p50':>7} {'p95':>7} {'max':>7} {'cpu':>7}")
    for name, s in results.items():
        cols = " ".join(f"{s[k]:7.1f}" for k in ("first", "p50", "p95", "max", "cpu"))
        print(f"  {name:34} {cols}")
    worst = max(results.items(), key=lambda kv: kv[1]["p95"])
    print(f"  worst p95: {worst[0]} {worst[1]['p95']:.1f} ms")
    lean = {k: v for k, v in results.items() if _console_with_top(k)}
    worst = max(lean.items(), key=lambda kv: kv[1]["p95"])
    print(f"  worst p95 with the Costs page's split as top20 lean: {worst[0]} "
          f"{worst[1]['p95']:.1f} ms")  # fmt: skip


def _console_with_top(shape: str) -> bool:
    """The shapes the console asks for once its Costs page splits by user/tenant with
    top=20&percentiles=false (the latency page splits by model/agent only)."""
    split = shape.split()[2:]
    return not split or split[0] not in ("user", "tenant") or split[1:] == ["top20", "lean"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stored", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--tail", type=int, default=20_000, help="un-rolled-up spans")
    parser.add_argument("--requests", type=int, default=30, help="warm requests per shape")
    parser.add_argument("--db", type=Path, help="store to reuse or build (one --stored only)")
    args = parser.parse_args()
    for stored in args.stored:
        path = args.db or Path(f"/tmp/tv-query-latency-{stored}.duckdb")
        run(path, stored, args.tail, args.requests)


if __name__ == "__main__":
    main()
