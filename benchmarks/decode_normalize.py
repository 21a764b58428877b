"""Spans/s of OTLP decoding and decode + normalize, single thread, no HTTP, no store.

Batches: 512 spans, 16 attributes each, ~1 KB of message content per span (the shape the
instrument sends). `to_row` + `rows_to_table` is what ingest runs; `to_record` +
`records_to_table` is the dict form kept for tests and tools.
Run: `/work/venv/bin/python -m benchmarks.decode_normalize [--seconds 5]`.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as pb
from opentelemetry.proto.common.v1 import common_pb2

from collector.normalize import to_record, to_row
from collector.otlp import decode_json, decode_protobuf
from collector.store import records_to_table
from collector.store.arrow_rows import rows_to_table

BATCH = 512
WORDS = [
    "please",
    "check",
    "the",
    "order",
    "status",
    "for",
    "the",
    "customer",
    "and",
    "summarise",
    "the",
    "refund",
    "policy",
]


def _kv(key: str, value: Any) -> common_pb2.KeyValue:
    if isinstance(value, int):
        return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(int_value=value))
    return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(string_value=value))


def _text(rng: random.Random, chars: int) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append(rng.choice(WORDS))
    return " ".join(words)


def _attributes(rng: random.Random, i: int) -> list[common_pb2.KeyValue]:
    prompt = [{"role": "user", "parts": [{"type": "text", "content": _text(rng, 700)}]}]
    reply = [
        {
            "role": "assistant",
            "finish_reason": "stop",
            "parts": [{"type": "text", "content": _text(rng, 250)}],
        }
    ]
    values: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": "claude-sonnet-4-6",
        "gen_ai.response.model": "claude-sonnet-4-6",
        "gen_ai.usage.input_tokens": rng.randint(500, 5000),
        "gen_ai.usage.output_tokens": rng.randint(10, 800),
        "gen_ai.usage.cache_read.input_tokens": 400,
        "gen_ai.usage.cache_write.input_tokens": 50,
        "gen_ai.response.id": f"msg_{i:08d}",
        "gen_ai.agent.name": "support",
        "session.id": f"sess-{i % 50}",
        "user.id": f"user-{i % 200}",
        "tracevault.tenant.id": "acme",
        "http.response.status_code": 200,
        "gen_ai.input.messages": json.dumps(prompt),
        "gen_ai.output.messages": json.dumps(reply),
    }
    return [_kv(k, v) for k, v in values.items()]


def make_request(seed: int = 7) -> pb.ExportTraceServiceRequest:
    rng = random.Random(seed)
    request = pb.ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    resource_spans.resource.attributes.extend([_kv("service.name", "support-agent")])
    scope_spans = resource_spans.scope_spans.add()
    scope_spans.scope.name = "tracevault"
    start = 1_760_000_000_000_000_000
    for i in range(BATCH):
        span = scope_spans.spans.add(
            trace_id=rng.randbytes(16),
            span_id=rng.randbytes(8),
            parent_span_id=rng.randbytes(8),
            name="chat claude-sonnet-4-6",
            kind=3,
            start_time_unix_nano=start + i * 1_000_000,
            end_time_unix_nano=start + i * 1_000_000 + 850_000_000,
        )
        span.attributes.extend(_attributes(rng, i))
        span.status.code = 1
    return request


def to_otlp_json(request: pb.ExportTraceServiceRequest) -> bytes:
    document = json_format.MessageToDict(request, use_integers_for_enums=True)
    for rs in document["resourceSpans"]:
        for ss in rs["scopeSpans"]:
            for span in ss["spans"]:
                for key in ("traceId", "spanId", "parentSpanId"):
                    span[key] = base64.b64decode(span[key]).hex()
    return json.dumps(document).encode()


def rate(work: Callable[[], int], seconds: float) -> tuple[float, float]:
    """(spans/s, CPU µs/span): best of several ~1 s windows (the machine is shared and noisy)."""
    best, best_cpu, deadline = 0.0, float("inf"), time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        spans, begin, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - begin < 1.0:
            spans += work()
        best = max(best, spans / (time.perf_counter() - begin))
        best_cpu = min(best_cpu, (time.process_time() - cpu) / spans * 1e6)
    return best, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    args = parser.parse_args()
    request = make_request()
    proto, js = request.SerializeToString(), to_otlp_json(request)
    now = datetime.now(UTC)
    spans = decode_protobuf(proto).spans
    print(
        f"batch: {BATCH} spans, protobuf {len(proto) / BATCH:.0f} B/span, "
        f"JSON {len(js) / BATCH:.0f} B/span"
    )
    cases: dict[str, Callable[[], int]] = {
        "protobuf ParseFromString only": lambda: len(
            pb.ExportTraceServiceRequest.FromString(proto).resource_spans[0].scope_spans[0].spans
        ),
        "decode_protobuf": lambda: len(decode_protobuf(proto).spans),
        "decode_json": lambda: len(decode_json(js).spans),
        "normalize only (to_record)": lambda: len([to_record(s, "p", now) for s in spans]),
        "normalize only (to_row)": lambda: len([to_row(s, "p") for s in spans]),
        "to_record + records_to_table": lambda: (
            records_to_table([to_record(s, "p", now) for s in spans]).num_rows
        ),
        "to_row + rows_to_table": lambda: (
            rows_to_table([to_row(s, "p") for s in spans], now).num_rows
        ),
        "decode_protobuf + to_row + Arrow": lambda: (
            rows_to_table([to_row(s, "p") for s in decode_protobuf(proto).spans], now).num_rows
        ),
        "decode_json + normalize": lambda: len(
            [to_record(s, "p", now) for s in decode_json(js).spans]
        ),
    }
    for name, work in cases.items():
        spans_per_s, cpu_us = rate(work, args.seconds)
        print(f"{name:34s} {spans_per_s:>10,.0f} spans/s {cpu_us:7.1f} µs CPU/span")


if __name__ == "__main__":
    main()
