"""Bulk synthetic OTLP traffic for benchmarks: `tracevault seed --spans N`.

Traces of one agent span with model and tool calls below it, realistic GenAI attributes and
~1 KB of already-redacted content per span (as this project's SDK sends them), spread over
the last week. Several senders post protobuf batches concurrently and back off on 429/503.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from dataclasses import dataclass

import httpx
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

MODELS = ("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1")
TOOLS = ("lookup_order", "refund", "send_email", "fetch_page", "run_tests")
AGENTS = ("support", "research", "coder")
_WORDS = ("order", "refund", "<EMAIL_ADDRESS>", "status", "shipped", "delayed", "invoice")
_SPANS_PER_TRACE = 8


def _kv(key: str, value: object) -> KeyValue:
    if isinstance(value, bool):
        return KeyValue(key=key, value=AnyValue(bool_value=value))
    if isinstance(value, int):
        return KeyValue(key=key, value=AnyValue(int_value=value))
    return KeyValue(key=key, value=AnyValue(string_value=str(value)))


class BatchFactory:
    """Builds ExportTraceServiceRequest bytes; content strings are drawn from a small pool so
    building stays cheap while rows still differ."""

    def __init__(
        self, seed: int = 1, spread_s: float = 7 * 86400, content_on_every_span: bool = False
    ) -> None:
        # content_on_every_span: ~1 KB of redacted content on agent and tool spans too, the
        # ingest benchmark's stated condition; by default only model calls carry content.
        self.content_on_every_span = content_on_every_span
        self.rng = random.Random(seed)
        self.spread_ns = int(spread_s * 1e9)
        self._content = [self._message() for _ in range(64)]

    def _message(self) -> str:
        text = " ".join(self.rng.choice(_WORDS) for _ in range(130))[:900]
        return json.dumps([{"role": "user", "parts": [{"type": "text", "content": text}]}])

    def batch(self, n: int = 512) -> bytes:
        req = ExportTraceServiceRequest()
        resource_spans = req.resource_spans.add()
        resource_spans.resource.attributes.append(_kv("service.name", "bulk-agent"))
        spans = resource_spans.scope_spans.add().spans
        for _ in range(0, n, _SPANS_PER_TRACE):
            spans.extend(self._trace(min(_SPANS_PER_TRACE, n - len(spans))))
        return req.SerializeToString()

    def _trace(self, count: int) -> list[Span]:
        rng = self.rng
        trace_id, root_id = os.urandom(16), os.urandom(8)
        start = time.time_ns() - rng.randint(0, self.spread_ns)
        ctx = {
            "user.id": f"user-{rng.randint(1, 500)}",
            "session.id": f"sess-{rng.randint(1, 9000)}",
            "tracevault.tenant.id": f"tenant-{rng.randint(1, 20)}",
            "gen_ai.agent.name": rng.choice(AGENTS),
        }
        root = self._span(trace_id, root_id, None, "invoke_agent", start, 0, ctx)
        children = [
            self._child(trace_id, root_id, start + i * 900_000_000, ctx) for i in range(count - 1)
        ]
        root.end_time_unix_nano = max(c.end_time_unix_nano for c in children) if children else start
        return [root, *children]

    def _child(self, trace_id: bytes, parent: bytes, start: int, ctx: dict) -> Span:
        rng = self.rng
        tool = rng.random() < 0.35
        attrs = dict(ctx)
        if tool:
            attrs.update(
                {
                    "gen_ai.tool.name": rng.choice(TOOLS),
                    "gen_ai.tool.call.id": f"toolu_{rng.getrandbits(48):012x}",
                }
            )
        else:
            attrs.update(
                {
                    "gen_ai.provider.name": "anthropic",
                    "gen_ai.request.model": rng.choice(MODELS),
                    "gen_ai.usage.input_tokens": rng.randint(300, 6000),
                    "gen_ai.usage.output_tokens": rng.randint(20, 900),
                    "gen_ai.usage.cache_read.input_tokens": rng.randint(0, 250),
                    "gen_ai.response.id": f"msg_{rng.getrandbits(64):016x}",
                    "tracevault.redaction.by": "tracevault-sdk",
                    "tracevault.redaction.entities.EMAIL_ADDRESS": 1,
                    "gen_ai.input.messages": rng.choice(self._content),
                }
            )
        op = "execute_tool" if tool else "chat"
        duration = rng.randint(40, 4000) if tool else int(rng.lognormvariate(7, 0.6))
        return self._span(trace_id, os.urandom(8), parent, op, start, duration, attrs)

    def _with_content(self, attrs: dict) -> dict:
        if not self.content_on_every_span or "gen_ai.input.messages" in attrs:
            return attrs
        return _redacted_content(attrs, self.rng.choice(self._content))

    def _span(
        self,
        trace_id: bytes,
        span_id: bytes,
        parent: bytes | None,
        op: str,
        start: int,
        duration_ms: int,
        attrs: dict,
    ) -> Span:
        error = self.rng.random() < 0.02
        return Span(
            trace_id=trace_id,
            span_id=span_id,
            parent_span_id=parent or b"",
            name=f"{op} {_target(attrs)}",
            kind=Span.SPAN_KIND_CLIENT if op == "chat" else Span.SPAN_KIND_INTERNAL,
            start_time_unix_nano=start,
            end_time_unix_nano=start + duration_ms * 1_000_000,
            attributes=[
                _kv("gen_ai.operation.name", op),
                *(_kv(k, v) for k, v in self._with_content(attrs).items()),
            ],
            status=Status(code=Status.STATUS_CODE_ERROR if error else Status.STATUS_CODE_OK),
        )


def _redacted_content(attrs: dict, content: str) -> dict:
    return {**attrs, "tracevault.redaction.by": "tracevault-sdk", "gen_ai.input.messages": content}


def _target(attrs: dict) -> str:
    return (
        attrs.get("gen_ai.request.model")
        or attrs.get("gen_ai.tool.name")
        or attrs["gen_ai.agent.name"]
    )


@dataclass
class SendStats:
    spans: int = 0
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0


def send(url: str, key: str, total: int, senders: int = 4, batch: int = 512) -> SendStats:
    """Post `total` spans to `url` from `senders` threads; each waits for the durable ack."""
    stats, lock = SendStats(), threading.Lock()
    errors: list[BaseException] = []
    per_sender = [total // senders + (i < total % senders) for i in range(senders)]

    def worker(seed: int, quota: int) -> None:
        try:
            post_batches(seed, quota)
        except BaseException as exc:  # surfaced to the caller after join
            errors.append(exc)

    def post_batches(seed: int, quota: int) -> None:
        factory = BatchFactory(seed)
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/x-protobuf"}
        with httpx.Client(timeout=120) as http:
            while quota > 0:
                size = min(batch, quota)
                resp = http.post(f"{url}/v1/traces", content=factory.batch(size), headers=headers)
                if resp.status_code in (429, 503):  # backpressure: wait as told, resend
                    time.sleep(float(resp.headers.get("retry-after", "1")))
                    with lock:
                        stats.retries += 1
                    continue
                resp.raise_for_status()
                quota -= size
                with lock:
                    stats.spans += size
                    stats.requests += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i + 1, q)) for i, q in enumerate(per_sender)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats.seconds = time.perf_counter() - started
    if errors:
        raise errors[0]
    return stats
