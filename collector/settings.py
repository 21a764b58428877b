"""One settings object for the collector process.

Precedence: explicit argument (CLI flag) > environment variable (`TRACEVAULT_*`) > default.
Bad values fail at start-up with a message naming the setting.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from collector.errors import ConfigError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRACEVAULT_", extra="ignore")

    db_path: Path = Field(Path("tracevault.duckdb"), description="DuckDB file owned by `serve`")
    host: str = Field("127.0.0.1", description="Address `serve` listens on")
    port: int = Field(4318, ge=0, le=65535, description="Port for OTLP and the REST API")
    admin_key: SecretStr | None = Field(None, description="Extra admin key accepted by `serve`")
    default_project: str = Field("default", min_length=1, description="Project of the admin key")
    max_body_bytes: int = Field(16 << 20, gt=0, description="Cap on a request body as sent")
    max_decompressed_bytes: int = Field(64 << 20, gt=0, description="Cap after gzip/deflate")
    ingest_queue_batches: int = Field(64, gt=0, description="Pending batches before 503")
    group_commit_batches: int = Field(32, gt=0, description="Batches per transaction at most")
    ingest_workers: int = Field(
        2, ge=0, description="Processes that decode and hash ingest; 0 = in the server process"
    )
    retry_after_s: int = Field(1, gt=0, description="Retry-After sent with 429/503")
    console_url: str = Field("http://127.0.0.1:8501", description="Console base URL for links")
    scheduler_enabled: bool = Field(True, description="Run the scheduled jobs inside `serve`")
    allow_unredacted_projects: list[str] = Field(
        default_factory=list,
        description="Projects whose `capture_content='full'` spans are stored unredacted",
    )
    redaction_config: str | None = Field(
        None, description="Redaction settings for other emitters' spans: JSON, or a JSON/TOML path"
    )
    min_free_disk_mb: int = Field(512, ge=0, description="/health fails below this free space")
    # analytics jobs (issue 7): schedules, incremental reads, detector thresholds
    job_interval_s: float = Field(60.0, gt=0, description="Default seconds between job runs")
    job_schedules: dict[str, float] = Field(
        default_factory=dict, description='Per-job interval, e.g. {"rollups": 30} (JSON)'
    )
    job_misfire_grace_s: int = Field(30, gt=0, description="A run late by more is skipped")
    job_lateness_s: int = Field(
        8 * 86400,
        gt=0,
        description="Spans older than this on arrival "
        "(received_at - start_time) are left out of rollups and jobs",
    )
    job_max_spans_per_tick: int = Field(250_000, gt=0, description="Backlog worked per tick")
    job_trace_window_s: int = Field(21600, gt=0, description="How far back a trace is re-read")
    anomaly_baseline_hours: int = Field(24, ge=3, description="Trailing hours of the baseline")
    anomaly_ratio: float = Field(3.0, gt=1, description="Flag hour cost > ratio x baseline/h")
    anomaly_z: float = Field(3.5, gt=0, description="Flag robust (median/MAD) z-score above")
    anomaly_min_cost_usd: float = Field(1.0, ge=0, description="Quieter hours never flagged")
    anomaly_min_calls: int = Field(20, ge=0, description="Fewer model calls never flagged")
    session_cost_cap_usd: float = Field(25.0, gt=0, description="Runaway session above this")
    session_call_cap: int = Field(500, gt=0, description="Runaway session above these calls")
    session_peer_z: float = Field(5.0, gt=0, description="Runaway vs peers: robust z above")
    session_min_peers: int = Field(10, ge=3, description="Peers needed for the peer rule")
    loop_min_repeats: int = Field(3, ge=2, description="Same tool+arguments this often = loop")
    loop_max_iterations: int = Field(25, gt=0, description="Model calls allowed per task")
    injection_threshold: float = Field(0.5, gt=0, le=1, description="Injection finding score")
    # alerts (issue 8): evaluation schedule, webhook targets, notification delivery
    alerts_eval_interval_s: float = Field(30.0, gt=0, description="Seconds between evaluations")
    alerts_webhook_hosts: list[str] = Field(
        default_factory=lambda: ["hooks.slack.com"],
        description='Hosts webhooks may call, JSON list; "*.example.com" allows subdomains',
    )
    alerts_default_slack_webhook: SecretStr | None = Field(
        None, description="Slack webhook put on the default rules of each new project"
    )
    alerts_delivery_enabled: bool = Field(True, description="Off: notifications wait in outbox")
    alerts_delivery_timeout_s: float = Field(10.0, gt=0, description="Per webhook request")
    alerts_delivery_max_attempts: int = Field(8, ge=1, description="Then a delivery has failed")
    alerts_delivery_backoff_s: float = Field(1.0, gt=0, description="First retry delay, doubling")
    # alert history retention: events, finished notifications and the delivery log
    alert_history_days: int = Field(
        90, ge=0, description="Drop alert history and finished deliveries older; 0 = keep"
    )
    # audit trail (issue 10): retention of span content; per-project overrides live in the store
    audit_retention_days: int = Field(30, ge=0, description="Drop span content older; 0 = keep")

    @field_validator("redaction_config")
    @classmethod
    def _redaction_config_parses(cls, value: str | None) -> str | None:
        from instrument.redaction import load_redaction_config

        load_redaction_config(value, env={})  # raises with the reason; checked at start-up
        return value

    @model_validator(mode="after")
    def _alerts_default_webhook_allowed(self) -> Settings:
        # alerts: a default webhook off the allow-list is a start-up error, not a silent drop
        if self.alerts_default_slack_webhook is not None:
            from analytics.notify.urls import UrlNotAllowedError, check_url

            url = self.alerts_default_slack_webhook.get_secret_value()
            try:
                check_url(url, self.alerts_webhook_hosts)
            except UrlNotAllowedError as exc:
                raise ValueError(f"alerts_default_slack_webhook: {exc}") from None
        return self


def load_settings(**overrides: object) -> Settings:
    """Build settings; None-valued overrides are ignored so unset CLI flags fall through."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(f"invalid tracevault settings: {exc}") from exc
