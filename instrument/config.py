"""Settings for patch(): explicit argument, then environment variable, then default.

- traces URL: `endpoint=` (base URL) > `TRACEVAULT_ENDPOINT` (base) >
  `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (full URL) > `OTEL_EXPORTER_OTLP_ENDPOINT` (base) >
  `http://127.0.0.1:4318`; `/v1/traces` is appended to base URLs.
- API key: `api_key=` > `TRACEVAULT_API_KEY` > none (sent as `Authorization: Bearer <key>`).
- extra headers: `headers=` > `OTEL_EXPORTER_OTLP_TRACES_HEADERS` > `OTEL_EXPORTER_OTLP_HEADERS`.
- service name: `service_name=` > `OTEL_SERVICE_NAME` > `tracevault-agent`.
- content capture: `capture_content=` > `TRACEVAULT_CAPTURE_CONTENT` > `redacted`.
- raise own faults: `raise_internal_errors=` > `TRACEVAULT_RAISE_INTERNAL_ERRORS` > off.
- redaction: `redaction=` (mapping or RedactionConfig) > `TRACEVAULT_REDACTION_CONFIG` (inline
  JSON or a JSON/TOML path: allow_list, custom_recognizers, hash_key, pii_entities) > defaults.
- spool: `spool_dir=` > `TRACEVAULT_SPOOL_DIR` > `~/.cache/tracevault/spool`;
  `max_spool_bytes=` > `TRACEVAULT_SPOOL_MAX_BYTES` > 256 MiB.

Secrets have no default. A bad value fails in patch() with a `ConfigError` naming its source.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from instrument.errors import ConfigError

__all__ = ["CAPTURE_MODES", "Settings", "resolve_settings"]

CAPTURE_MODES = ("redacted", "none", "full")
DEFAULT_ENDPOINT = "http://127.0.0.1:4318"
TRACES_PATH = "/v1/traces"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    traces_url: str = DEFAULT_ENDPOINT + TRACES_PATH
    api_key: str | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    service_name: str = "tracevault-agent"
    capture_content: str = "redacted"
    raise_internal_errors: bool = False
    max_queue: int = 8192  # records waiting for the worker; beyond this, calls go unrecorded
    redaction_backlog: int = 512  # waiting records past which content is dropped, not redacted
    exporter: Any = None  # any SpanExporter; None = OTLP/HTTP protobuf to traces_url
    tracer_provider: Any = None  # an SDK TracerProvider to add to; None = global or our own
    redactor: Any = None  # object with redact_many(); None = instrument.redaction.get_redactor()
    prices: Any = None  # price override (mapping or path) for instrument.pricing
    redaction: Any = None  # RedactionConfig; None = TRACEVAULT_REDACTION_CONFIG or defaults
    spool_dir: str | None = None  # None = TRACEVAULT_SPOOL_DIR or ~/.cache/tracevault/spool
    max_spool_bytes: int | None = None  # None = TRACEVAULT_SPOOL_MAX_BYTES or 256 MiB

    def export_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers


def resolve_settings(env: Mapping[str, str] | None = None, **options: Any) -> Settings:
    """Settings from `options` over `env` (default: os.environ) over defaults."""
    env = os.environ if env is None else env
    known = set(Settings.__dataclass_fields__) | {"endpoint"}
    unknown = set(options) - known
    if unknown:
        raise ConfigError(f"unknown patch() option(s): {', '.join(sorted(unknown))}")
    names = ("exporter", "tracer_provider", "redactor", "prices", "spool_dir", "max_spool_bytes")
    passthrough = {k: options[k] for k in names if k in options}
    return Settings(
        traces_url=_traces_url(options.get("endpoint"), env),
        api_key=options.get("api_key") or env.get("TRACEVAULT_API_KEY") or None,
        headers={**_env_headers(env), **(options.get("headers") or {})},
        service_name=options.get("service_name")
        or env.get("OTEL_SERVICE_NAME")
        or "tracevault-agent",
        capture_content=_capture_mode(options.get("capture_content"), env),
        raise_internal_errors=_flag(
            options.get("raise_internal_errors"), env, "TRACEVAULT_RAISE_INTERNAL_ERRORS"
        ),
        max_queue=_positive(options.get("max_queue"), 8192, "max_queue"),
        redaction_backlog=_positive(options.get("redaction_backlog"), 512, "redaction_backlog"),
        redaction=_redaction(options.get("redaction"), env),
        **passthrough,
    )


def _redaction(value: Any, env: Mapping[str, str]) -> Any:
    """Parsed and checked here so a bad allow-list or pattern fails in patch(), not later."""
    from instrument.redaction.config import RedactionConfigError, load_redaction_config

    try:
        return load_redaction_config(value, env)
    except (RedactionConfigError, TypeError) as exc:
        raise ConfigError(f"redaction settings: {exc}") from exc


def _traces_url(endpoint: str | None, env: Mapping[str, str]) -> str:
    base = endpoint or env.get("TRACEVAULT_ENDPOINT")
    if not base and env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        return _checked_url(
            env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"], "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
        )
    base = base or env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or DEFAULT_ENDPOINT
    return _checked_url(base.rstrip("/") + TRACES_PATH, "endpoint")


def _checked_url(url: str, source: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{source} must be an http(s) URL, got {url!r}")
    return url


def _env_headers(env: Mapping[str, str]) -> dict[str, str]:
    """OTLP header lists (`k=v,k2=v2`, values URL-encoded); the traces-specific one wins."""
    headers: dict[str, str] = {}
    for name in ("OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"):
        for pair in env.get(name, "").split(","):
            key, sep, value = pair.partition("=")
            if sep and key.strip():
                headers[key.strip().lower()] = unquote(value.strip())
    return headers


def _capture_mode(value: str | None, env: Mapping[str, str]) -> str:
    mode = (value or env.get("TRACEVAULT_CAPTURE_CONTENT") or "redacted").strip().lower()
    if mode not in CAPTURE_MODES:
        raise ConfigError(f"capture_content must be one of {CAPTURE_MODES}, got {mode!r}")
    return mode


def _flag(value: bool | None, env: Mapping[str, str], name: str) -> bool:
    if value is not None:
        return bool(value)
    raw = env.get(name, "").strip().lower()
    if raw not in _TRUE | _FALSE:
        raise ConfigError(f"{name} must be true or false, got {raw!r}")
    return raw in _TRUE


def _positive(value: int | None, default: int, name: str) -> int:
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{name} must be a positive int, got {value!r}")
    return value
