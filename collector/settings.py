"""One settings object for the collector process.

Precedence: explicit argument (CLI flag) > environment variable (`TRACEVAULT_*`) > default.
Bad values fail at start-up with a message naming the setting.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
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
    retry_after_s: int = Field(1, gt=0, description="Retry-After sent with 429/503")
    console_url: str = Field("http://127.0.0.1:8501", description="Console base URL for links")
    scheduler_enabled: bool = Field(True, description="Run the scheduled jobs inside `serve`")
    allow_unredacted: bool = Field(False, description="Accept content marked unredacted (full)")
    min_free_disk_mb: int = Field(512, ge=0, description="/health fails below this free space")


def load_settings(**overrides: object) -> Settings:
    """Build settings; None-valued overrides are ignored so unset CLI flags fall through."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(f"invalid tracevault settings: {exc}") from exc
