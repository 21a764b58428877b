"""Alert rules as validated values: what to measure, where, against what, and whom to tell.

A rule's spec is what an admin sends (`RuleSpec`); a stored rule (`Rule`) adds its id, project
and timestamps. Specs are stored as one JSON document so new fields need no table migration.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    FieldSerializationInfo,
    SecretStr,
    field_serializer,
    model_validator,
)

from analytics.notify.urls import mask_url


class Metric(StrEnum):
    SUCCESS_RATE = "success_rate"  # 0..1 over model calls
    ERROR_RATE = "error_rate"  # 0..1 over model calls, optionally of one error class
    P95_LATENCY = "p95_latency_ms"
    P99_LATENCY = "p99_latency_ms"
    COST = "cost_usd"  # spend in the window
    COST_ANOMALY = "cost_anomaly"  # window spend / average spend per window over the baseline
    THROUGHPUT = "throughput_per_min"  # model calls per minute
    AUTH_ERRORS = "auth_errors"  # 401/403 answers from the model API
    INJECTION_FINDINGS = "injection_findings"
    LOOP_FINDINGS = "loop_findings"
    QUEUE_DEPTH = "ingest_queue_depth"  # pending ingest batches in the collector
    HEALTH = "health_failing"  # failing /health checks


# Metrics that do not come from the spans table and cannot be scoped or grouped.
PROCESS_METRICS = frozenset({Metric.QUEUE_DEPTH, Metric.HEALTH})
FINDING_METRICS = frozenset({Metric.INJECTION_FINDINGS, Metric.LOOP_FINDINGS})


class Comparison(StrEnum):
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"

    def breached(self, value: float, threshold: float) -> bool:
        return {
            "gt": value > threshold,
            "gte": value >= threshold,
            "lt": value < threshold,
            "lte": value <= threshold,
        }[self.value]

    @property
    def symbol(self) -> str:
        return {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}[self.value]


class Severity(StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


class NoData(StrEnum):
    OK = "ok"  # no data counts as healthy (resolves a firing alert)
    KEEP = "keep"  # keep the last state
    ALERTING = "alerting"  # no data counts as a breach (e.g. traffic stopped)


Dimension = Literal["service", "agent", "model", "tool", "user", "tenant"]


class Scope(BaseModel):
    """Filters on canonical span fields; all given ones must match."""

    model_config = ConfigDict(extra="forbid")

    service: str | None = None
    agent: str | None = None
    model: str | None = None
    tool: str | None = None
    user: str | None = None
    tenant: str | None = None

    def given(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v}


class Channel(BaseModel):
    """A Slack incoming webhook, or a generic JSON webhook signed with a shared secret."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["slack", "webhook"]
    url: SecretStr = Field(description="http(s) URL on an allowed host; a secret, never shown")
    secret: SecretStr | None = Field(None, description="HMAC-SHA256 key (webhook only)")
    name: str | None = Field(None, max_length=100)

    @field_serializer("url", "secret")
    def _masked_unless_stored(self, value: SecretStr | None, info: FieldSerializationInfo):
        # Only the store sees secrets (context {"reveal": True}); every other dump masks them.
        if value is None:
            return None
        if info.context and info.context.get("reveal"):
            return value.get_secret_value()
        return mask_url(value.get_secret_value()) if info.field_name == "url" else "********"

    @model_validator(mode="after")
    def _secret_only_for_webhooks(self) -> Channel:
        if self.secret is not None and self.type != "webhook":
            raise ValueError("only webhook channels take a signing secret")
        return self


class MetricParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    error_class: str | None = Field(None, description="error_rate: only this error class")
    min_score: float = Field(0.0, ge=0, le=1, description="findings: minimum score")
    min_count: int = Field(0, ge=0, description="fewer matching spans than this = no data")
    baseline_s: int = Field(86400, ge=3600, description="cost_anomaly: trailing baseline")
    min_cost_usd: float = Field(
        0.0, ge=0, description="cost_anomaly: a window cheaper than this reads as no data"
    )


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    metric: Metric
    scope: Scope = Field(default_factory=Scope)
    group_by: Dimension | None = Field(None, description="one alert per value of this field")
    window_s: int = Field(900, ge=60, le=7 * 86400)
    comparison: Comparison
    threshold: float
    for_s: int = Field(0, ge=0, description="breach must last this long before firing")
    resolve_for_s: int = Field(0, ge=0, description="clear must last this long to resolve")
    severity: Severity = Severity.WARNING
    channels: list[Channel] = Field(default_factory=list, max_length=10)
    renotify_s: int = Field(3600, ge=0, description="repeat while firing; 0 = never")
    no_data: NoData = NoData.OK
    params: MetricParams = Field(default_factory=MetricParams)
    enabled: bool = True

    @model_validator(mode="after")
    def _scope_fits_metric(self) -> RuleSpec:
        if self.metric in PROCESS_METRICS and (self.scope.given() or self.group_by):
            raise ValueError(f"{self.metric.value} is collector-wide: no scope or group_by")
        if self.metric in FINDING_METRICS and self.group_by:
            raise ValueError(f"{self.metric.value} cannot be grouped")
        return self


class Rule(RuleSpec):
    rule_id: str
    project: str
    is_default: bool = False
    created_at: datetime
    updated_at: datetime
