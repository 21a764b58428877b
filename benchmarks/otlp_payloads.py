"""Realistic OTLP protobuf batches for benchmarks: GenAI chat and tool spans with ~1 KB of
already-redacted content each, as this project's SDK sends them."""

from __future__ import annotations

import json
import os
import random
import time

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

MODELS = ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"]
TOOLS = ["lookup_order", "refund", "send_email", "fetch_page", "run_tests"]


def _kv(key: str, value: object) -> KeyValue:
    if isinstance(value, bool):
        return KeyValue(key=key, value=AnyValue(bool_value=value))
    if isinstance(value, int):
        return KeyValue(key=key, value=AnyValue(int_value=value))
    if isinstance(value, float):
        return KeyValue(key=key, value=AnyValue(double_value=value))
    return KeyValue(key=key, value=AnyValue(string_value=str(value)))


def _content(rng: random.Random) -> str:
    words = " ".join(rng.choice(["order", "refund", "<EMAIL_ADDRESS>", "status", "shipped"])
                     for _ in range(120))  # fmt: skip
    msgs = [{"role": "user", "parts": [{"type": "text", "content": words[:900]}]}]
    return json.dumps(msgs)


def _span(rng: random.Random, trace_id: bytes, now_ns: int) -> Span:
    tool = rng.random() < 0.3
    start = now_ns - rng.randint(0, 3_600_000_000_000)
    attrs = {
        "gen_ai.operation.name": "execute_tool" if tool else "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": rng.choice(MODELS),
        "gen_ai.usage.input_tokens": rng.randint(200, 4000),
        "gen_ai.usage.output_tokens": rng.randint(20, 800),
        "gen_ai.usage.cache_read.input_tokens": rng.randint(0, 150),
        "gen_ai.response.id": "msg_" + os.urandom(8).hex(),
        "user.id": f"user-{rng.randint(1, 500)}",
        "session.id": f"sess-{rng.randint(1, 5000)}",
        "tracevault.tenant.id": f"tenant-{rng.randint(1, 20)}",
        "gen_ai.agent.name": rng.choice(["support", "research", "coder"]),
        "tracevault.redaction.by": "tracevault-sdk",
        "tracevault.redaction.entities.EMAIL_ADDRESS": 1,
        "gen_ai.input.messages": _content(rng),
    }
    if tool:
        attrs["gen_ai.tool.name"] = rng.choice(TOOLS)
        attrs["gen_ai.tool.call.id"] = "toolu_" + os.urandom(6).hex()
    return Span(
        trace_id=trace_id,
        span_id=os.urandom(8),
        name=f"chat {attrs['gen_ai.request.model']}",
        kind=Span.SPAN_KIND_CLIENT,
        start_time_unix_nano=start,
        end_time_unix_nano=start + rng.randint(50, 20_000) * 1_000_000,
        attributes=[_kv(k, v) for k, v in attrs.items()],
        status=Status(code=Status.STATUS_CODE_OK),
    )


def batch(n: int = 512, seed: int | None = None) -> bytes:
    rng = random.Random(seed)
    now = time.time_ns()
    req = ExportTraceServiceRequest()
    rs = req.resource_spans.add()
    rs.resource.attributes.append(_kv("service.name", "bench-agent"))
    ss = rs.scope_spans.add()
    trace_id = os.urandom(16)
    for i in range(n):
        if i % 8 == 0:
            trace_id = os.urandom(16)
        ss.spans.append(_span(rng, trace_id, now))
    return req.SerializeToString()
