"""Time added on the caller's thread per Anthropic call, by each instrumentation, interleaved.

Contenders (content capture on in each): none; the SDK's native spans (content mode
"content"); OpenInference; OpenLLMetry; tracevault (capture_content="redacted", the real
Presidio redactor). Every exporter is a no-op, so only instrumentation is measured. A real
Anthropic client calls the in-process mock API (~1 KB prompt, ~1 KB reply); the streaming
case reads a whole `create(stream=True)`.

Rounds interleave the contenders in a shuffled order. Two regimes:
* drained: after each timed call, the contender's background work is flushed OUTSIDE the
  timed region — the pure cost on the calling thread;
* sustained: calls back to back, background threads (our worker, batch processors) compete
  for the GIL with the caller, as in a busy agent.

    python benchmarks/instrument_overhead.py --rounds 6 --calls 40
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SpanExporter,
    SpanExportResult,
)

import instrument
from sample_data.mock import MockAnthropic, MockUsage, Reply

PROMPT = (
    "Please summarise the quarterly report for the Northwind account, highlighting revenue, "
    "churn and the three largest risks. "
) * 9  # ~1 KB
REPLY = Reply.text(
    "Revenue grew 12% quarter on quarter while churn held at 2.1%. " * 16,
    usage=MockUsage(260, 250),
    chunk_size=16,
)  # ~1 KB, ~70 events streamed


class NoopExporter(SpanExporter):
    def export(self, spans: Sequence[Any]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def _provider() -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(NoopExporter(), max_queue_size=65536))
    return provider


class Contender:
    def __init__(
        self,
        name: str,
        client: Any,
        enter: Callable[[], None] = lambda: None,
        leave: Callable[[], None] = lambda: None,
        drain: Callable[[], None] = lambda: None,
    ) -> None:
        self.name, self.client, self.enter, self.leave, self.drain = (
            name,
            client,
            enter,
            leave,
            drain,
        )
        self.samples: dict[str, list[float]] = {"create": [], "stream": []}


def contenders(mock: MockAnthropic) -> list[Contender]:
    from openinference.instrumentation.anthropic import AnthropicInstrumentor as OpenInference
    from opentelemetry.instrumentation.anthropic import AnthropicInstrumentor as OpenLLMetry

    native_tp, oi_tp, ol_tp = _provider(), _provider(), _provider()
    native_option = {"tracer_provider": native_tp, "traces": {"content_mode": "content"}}
    oi, ol = OpenInference(), OpenLLMetry()
    return [
        Contender("none", mock.client()),
        Contender(
            "native (SDK spans)",
            mock.client(open_telemetry=native_option),
            drain=lambda: native_tp.force_flush(),
        ),
        Contender(
            "openinference",
            mock.client(),
            lambda: oi.instrument(tracer_provider=oi_tp),
            oi.uninstrument,
            lambda: oi_tp.force_flush(),
        ),
        Contender(
            "openllmetry",
            mock.client(),
            lambda: ol.instrument(tracer_provider=ol_tp),
            ol.uninstrument,
            lambda: ol_tp.force_flush(),
        ),
        Contender(
            "tracevault",
            mock.client(),
            lambda: instrument.patch(exporter=NoopExporter(), capture_content="redacted"),
            instrument.unpatch,
            lambda: instrument.flush(),
        ),
    ]


def _create(client: Any) -> None:
    client.messages.create(
        model="claude-sonnet-4-5", max_tokens=512, messages=[{"role": "user", "content": PROMPT}]
    )


def _stream(client: Any) -> None:
    for _ in client.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=512,
        stream=True,
        messages=[{"role": "user", "content": PROMPT}],
    ):
        pass


def run_segment(c: Contender, calls: int, drained: bool) -> None:
    c.enter()
    try:
        for kind, fn in (("create", _create), ("stream", _stream)):
            for _ in range(3):  # warm caches (and the redactor's) outside timing
                fn(c.client)
            c.drain()
            for _ in range(calls):
                start = time.perf_counter_ns()
                fn(c.client)
                c.samples[kind].append((time.perf_counter_ns() - start) / 1000)
                if drained:
                    c.drain()
            c.drain()
    finally:
        c.leave()


def table(all_: list[Contender], kind: str) -> list[str]:
    medians = {c.name: statistics.median(c.samples[kind]) for c in all_}
    base = medians["none"]
    added = {name: m - base for name, m in medians.items()}
    peers = [added[n] for n in added if n not in ("none", "tracevault")]
    best = min(peers)
    rows = [
        f"| {kind} | contender | median µs | added µs | added / best peer |",
        "|---|---|---:|---:|---:|",
    ]
    for name, median in medians.items():
        ratio = "" if name == "none" else f"{added[name] / best:.2f}"
        rows.append(f"| {kind} | {name} | {median:.0f} | {added[name]:+.0f} | {ratio} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--regime", choices=("drained", "sustained"), default="drained")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    mock = MockAnthropic(default=REPLY)
    everyone = contenders(mock)
    rng = random.Random(7)
    for _ in range(args.rounds):
        for c in rng.sample(everyone, len(everyone)):
            run_segment(c, args.calls, args.regime == "drained")
    print(f"regime={args.regime} rounds={args.rounds} calls/round={args.calls} per case")
    for kind in ("create", "stream"):
        print("\n".join(table(everyone, kind)))


if __name__ == "__main__":
    main()
