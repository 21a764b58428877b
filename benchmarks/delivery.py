"""Delivery through the spool: caller-thread cost during an outage vs normal, time to disk,
and drain rate once the collector is back. See the delivery section of benchmarks/README.md.

A real `tracevault serve` process stores the spans; in front of it a local HTTP proxy on a
fixed port is started ("normal") or stopped ("outage": connection refused) between phases.

1. caller: a patched real Anthropic client (mock API, ~1 KB prompt) exports through
   SpoolingSpanExporter; median time of `messages.create` on the calling thread per phase,
   phases interleaved over rounds, calls back to back (background threads compete, as in a
   busy agent). Also the bare `export()` call per span.
2. disk: export one span, poll until the spool writer reports it on disk; p50/p99/max.
3. drain: N spans (~1 KB of content each) spooled while the collector's port is dead; the
   collector is started on it; time until flush() returns (no proxy in this path).

    python benchmarks/delivery.py [--rounds 6 --calls 150 --drain-spans 20000]
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import instrument
from collector.process import free_port, start_collector
from instrument.delivery import SpoolingSpanExporter
from sample_data.mock import MockAnthropic, MockUsage, Reply
from tests.delivery.helpers import fast_config
from tests.delivery.servers import ScriptedServer
from tests.delivery.spans import make_spans

PROMPT = "Summarise the quarterly report for the Northwind account and its risks. " * 14
REPLY = Reply.text("Revenue grew 12% while churn held at 2.1%. " * 24, usage=MockUsage(260, 250))


class Endpoint:
    """The proxy port the exporter talks to: up (forwarding to the collector) or down."""

    def __init__(self, upstream: str) -> None:
        self.port, self.upstream = free_port(), upstream
        self.server: ScriptedServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        if self.server is None:
            self.server = ScriptedServer(upstream=self.upstream, port=self.port, keep_alive=False)
            self.server.start()

    def down(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def _median_us(samples: list[int]) -> float:
    return statistics.median(samples) / 1000


def _timed(fn: Callable[[], Any], calls: int) -> list[int]:
    out = []
    for _ in range(calls):
        start = time.perf_counter_ns()
        fn()
        out.append(time.perf_counter_ns() - start)
    return out


def caller_cost(endpoint: Endpoint, key: str, spool: Path, rounds: int, calls: int) -> None:
    exporter = SpoolingSpanExporter(fast_config(endpoint.url, key, spool, backoff_max_s=2.0))
    instrument.patch(exporter=exporter, capture_content="none")
    client = MockAnthropic().queue(*[REPLY] * (rounds * calls * 2 + 50)).client()
    call = lambda: client.messages.create(  # noqa: E731
        model="claude-sonnet-4-5", max_tokens=300, messages=[{"role": "user", "content": PROMPT}]
    )
    one = make_spans(1)
    times: dict[str, list[int]] = {"normal": [], "outage": []}
    bare: dict[str, list[int]] = {"normal": [], "outage": []}
    _timed(call, 30)  # warm-up
    for _ in range(rounds):
        for phase in random.sample(["normal", "outage"], 2):
            endpoint.up() if phase == "normal" else endpoint.down()
            time.sleep(0.3)  # let the courier notice (a failure, or the way back)
            times[phase] += _timed(call, calls)
            bare[phase] += _timed(lambda: exporter.export(one), calls)
    endpoint.up()
    instrument.flush(timeout=60)  # our spans into the exporter (the SDK processor does not
    exporter.flush(timeout=60)  # call the exporter's force_flush, so flush it directly)
    instrument.unpatch()
    exporter.shutdown()
    for label, data in (("messages.create (patched)", times), ("export() of 1 span", bare)):
        normal, outage = _median_us(data["normal"]), _median_us(data["outage"])
        print(f"caller  {label:26} normal {normal:8.1f} us  outage {outage:8.1f} us  "
              f"outage/normal {outage / normal:5.2f}  (n={len(data['normal'])} each)")  # fmt: skip
    print(f"        exporter stats: {exporter.stats()}")


def time_to_disk(spool: Path, samples: int) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    exporter = SpoolingSpanExporter(fast_config(down, None, spool, linger_s=0.2))
    latencies = []
    for i in range(samples):
        start = time.perf_counter()
        exporter.export(make_spans(1, first=i + 1))
        while exporter.stats().written_spans < i + 1:
            time.sleep(0.001)
        latencies.append(time.perf_counter() - start)
    exporter.shutdown()
    q = [v * 1000 for v in statistics.quantiles(latencies, n=100, method="inclusive")]
    print(f"disk    export -> fsync'd file (linger_s=0.2): p50 {q[49]:.0f} ms  "
          f"p99 {q[98]:.0f} ms  max {max(latencies) * 1000:.0f} ms  (n={samples})")  # fmt: skip


def spool_during_outage(url: str, key: str, spool: Path, spans: int) -> SpoolingSpanExporter:
    """Export `spans` spans (~1 KB of content each) while nothing listens at `url`."""
    exporter = SpoolingSpanExporter(fast_config(url, key, spool, max_queue_spans=spans))
    batch = 512
    for first in range(1, spans + 1, batch):
        exporter.export(make_spans(min(batch, spans + 1 - first), first=first, trace=0xD,
                                   content_bytes=1000))  # fmt: skip
    while exporter.stats().written_spans < spans:
        time.sleep(0.01)
    return exporter


def drain(exporter: SpoolingSpanExporter) -> None:
    """The collector has just come up: time until everything spooled is delivered."""
    stats = exporter.stats()
    start = time.perf_counter()
    ok = exporter.flush(timeout=300)
    took = time.perf_counter() - start
    delivered = exporter.stats().delivered_spans
    exporter.shutdown()
    print(f"drain   {delivered} spans ({stats.spooled_files} files, "
          f"{stats.spooled_bytes / 1e6:.1f} MB gzip on disk) in {took:.2f} s = "
          f"{delivered / took:,.0f} spans/s  (flush ok: {ok})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--calls", type=int, default=150)
    parser.add_argument("--disk-samples", type=int, default=60)
    parser.add_argument("--drain-spans", type=int, default=20_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tv-delivery-bench-"))
    admin = "tv_admin_bench_" + secrets.token_hex(6)
    port = free_port()  # the collector's port: dead until the outage ends
    spooled = spool_during_outage(f"http://127.0.0.1:{port}", admin, tmp / "c", args.drain_spans)
    collector = start_collector(tmp / "b.duckdb", admin, port=port, log_path=tmp / "serve.log")
    endpoint = Endpoint(collector.url)
    try:
        drain(spooled)  # straight to the collector: no proxy in the way
        caller_cost(endpoint, admin, tmp / "a", args.rounds, args.calls)
        time_to_disk(tmp / "b", args.disk_samples)
    finally:
        endpoint.down()
        collector.stop()


if __name__ == "__main__":
    main()
