"""Settings of the spooling exporter: explicit argument, then environment variable, then default.

| setting         | argument          | environment                  | default                   |
|-----------------|-------------------|------------------------------|---------------------------|
| collector base  | `endpoint`        | `TRACEVAULT_ENDPOINT`        | `http://127.0.0.1:4318`   |
| full traces URL | `traces_url`      | —                            | `{endpoint}/v1/traces`    |
| API key         | `api_key`         | `TRACEVAULT_API_KEY`         | none (no Authorization)   |
| spool root      | `spool_dir`       | `TRACEVAULT_SPOOL_DIR`       | `$XDG_CACHE_HOME` (else   |
|                 |                   |                              | `~/.cache`) + `/tracevault|
|                 |                   |                              | /spool`                   |
| spool size cap  | `max_spool_bytes` | `TRACEVAULT_SPOOL_MAX_BYTES` | 256 MiB                   |

Spool files live in `<spool root>/<destination>/p-<pid>-<token>/`, where `<destination>` is a
hash of the traces URL and API key: a process only ever adopts files meant for the same
collector and project, so a changed key never sends one project's spans under another's.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from instrument.errors import ConfigError

__all__ = ["DEFAULT_MAX_SPOOL_BYTES", "DeliveryConfig", "default_spool_root"]

DEFAULT_ENDPOINT = "http://127.0.0.1:4318"
DEFAULT_MAX_SPOOL_BYTES = 256 << 20
COMPRESSIONS = ("gzip", "none")


def default_spool_root(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("TRACEVAULT_SPOOL_DIR"):
        return Path(env["TRACEVAULT_SPOOL_DIR"])
    cache = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "tracevault" / "spool"


@dataclass
class DeliveryConfig:
    endpoint: str | None = None
    traces_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    spool_dir: Path | str | None = None
    max_spool_bytes: int | None = None
    max_queue_spans: int = 8192  # spans waiting for the spool writer; beyond this they are dropped
    max_batch_spans: int = 512  # spans per spool file, and so per POST
    linger_s: float = 0.2  # how long the writer waits to fill a batch; bounds time-to-disk
    timeout_s: float = 10.0  # per POST; a slower collector counts as down for that attempt
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    max_retry_after_s: float = 300.0  # a larger Retry-After is clamped to this
    max_server_error_retries: int = 3  # a 500 is retried this often, then counted as rejected
    exit_flush_s: float = 5.0  # bound on delivery at shutdown / interpreter exit
    rescan_s: float = 10.0  # how often an idle process looks for orphaned spool directories
    compression: str = "gzip"
    env: Mapping[str, str] | None = field(default=None, repr=False)  # None = os.environ

    def __post_init__(self) -> None:
        env = os.environ if self.env is None else self.env
        base = (self.endpoint or env.get("TRACEVAULT_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
        self.endpoint = base
        self.traces_url = self.traces_url or base + "/v1/traces"
        self.api_key = self.api_key or env.get("TRACEVAULT_API_KEY") or None
        self.spool_dir = Path(self.spool_dir) if self.spool_dir else default_spool_root(env)
        self.max_spool_bytes = self.max_spool_bytes or _env_int(env, "TRACEVAULT_SPOOL_MAX_BYTES")
        self.max_spool_bytes = self.max_spool_bytes or DEFAULT_MAX_SPOOL_BYTES
        self._validate()

    def _validate(self) -> None:
        if not str(self.traces_url).startswith(("http://", "https://")):
            raise ConfigError(f"traces URL must be http(s), got {self.traces_url!r}")
        if self.compression not in COMPRESSIONS:
            raise ConfigError(
                f"compression must be one of {COMPRESSIONS}, got {self.compression!r}"
            )
        for name in ("max_spool_bytes", "max_queue_spans", "max_batch_spans"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)!r}")
        for name in ("linger_s", "timeout_s", "backoff_base_s", "backoff_max_s", "exit_flush_s"):
            if float(getattr(self, name)) <= 0:
                raise ConfigError(f"{name} must be positive, got {getattr(self, name)!r}")

    @property
    def destination_dir(self) -> Path:
        """The spool sub-directory for this collector URL + key (see the module docstring)."""
        tag = f"{self.traces_url}\n{self.api_key or ''}".encode()
        return Path(self.spool_dir or ".") / hashlib.sha256(tag).hexdigest()[:16]

    def request_headers(self) -> dict[str, str]:
        headers = {**self.headers, "Content-Type": "application/x-protobuf"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers


def _env_int(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer number of bytes, got {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value
