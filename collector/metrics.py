"""Self-metrics of the collector, exposed as Prometheus text on /metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# GenAI semantic-convention buckets (seconds, tokens).
_DURATION_BUCKETS = tuple(0.01 * 2**i for i in range(14))
_TOKEN_BUCKETS = tuple(4**i for i in range(14))


class CollectorMetrics:
    """A registry per process (not the global one) so tests can build several apps."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.spans_received = Counter(
            "tracevault_spans_received", "Spans accepted", ["project"], registry=r
        )
        self.spans_rejected = Counter(
            "tracevault_spans_rejected", "Spans or requests refused", ["reason"], registry=r
        )
        self.queue_depth = Gauge("tracevault_ingest_queue_depth", "Pending batches", registry=r)
        self.commit_latency = Histogram(
            "tracevault_ingest_request_seconds", "Ingest request time to durable ack", registry=r
        )
        self.job_duration = Histogram(
            "tracevault_job_duration_seconds", "Scheduled job run time", ["job"], registry=r
        )
        self.op_duration = Histogram(
            "gen_ai_client_operation_duration_seconds",
            "GenAI operation duration",
            ["gen_ai_operation_name", "gen_ai_request_model"],
            buckets=_DURATION_BUCKETS,
            registry=r,
        )
        self.token_usage = Histogram(
            "gen_ai_client_token_usage",
            "GenAI token usage",
            ["gen_ai_token_type", "gen_ai_request_model"],
            buckets=_TOKEN_BUCKETS,
            registry=r,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def observe_records(self, records: list[dict]) -> None:
        for rec in records:
            model = rec.get("request_model") or rec.get("response_model")
            if not model or rec.get("operation") != "chat":
                continue
            if rec.get("duration_ms") is not None:
                self.op_duration.labels("chat", model).observe(rec["duration_ms"] / 1000)
            for kind in ("input", "output"):
                if rec.get(f"{kind}_tokens") is not None:
                    self.token_usage.labels(kind, model).observe(rec[f"{kind}_tokens"])
