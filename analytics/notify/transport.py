"""Sending one HTTP request for a notification, and deciding when to try again.

`Sender` is the boundary: `HttpSender` posts with httpx (timeout, no redirects, so an allowed
host cannot bounce us elsewhere); `RecordingSender` is its in-memory twin for tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

import httpx

MAX_RETRY_AFTER_S = 3600.0  # a receiver asking for more than an hour is treated as an hour


@dataclass(frozen=True)
class SendResult:
    status_code: int | None  # None: no answer (connection error, timeout)
    duration_ms: float
    error: str | None = None
    retry_after_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def retryable(self) -> bool:
        """Network trouble, timeouts, rate limits and server errors; other 4xx are final."""
        code = self.status_code
        return code is None or code in (408, 425, 429) or code >= 500


class Sender(Protocol):
    def send(
        self, url: str, body: bytes, headers: dict[str, str], timeout_s: float
    ) -> SendResult: ...

    def close(self) -> None: ...


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - now).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def backoff_s(attempt: int, base_s: float, cap_s: float, retry_after_s: float | None) -> float:
    """Delay before attempt `attempt + 1`: the receiver's Retry-After if it gave one, else
    exponential (base, 2·base, 4·base, … capped)."""
    if retry_after_s is not None:
        return retry_after_s
    return min(base_s * 2 ** max(attempt - 1, 0), cap_s)


class HttpSender:
    def __init__(self) -> None:
        self._client = httpx.Client(follow_redirects=False)

    def send(self, url: str, body: bytes, headers: dict[str, str], timeout_s: float) -> SendResult:
        started = time.perf_counter()
        try:
            resp = self._client.post(url, content=body, headers=headers, timeout=timeout_s)
        except httpx.HTTPError as exc:
            elapsed = (time.perf_counter() - started) * 1000
            return SendResult(None, elapsed, f"{type(exc).__name__}: {exc}"[:500])
        elapsed = (time.perf_counter() - started) * 1000
        retry_after = parse_retry_after(resp.headers.get("retry-after"), datetime.now(UTC))
        error = None if resp.is_success else f"HTTP {resp.status_code}: {resp.text[:200]}"
        return SendResult(resp.status_code, elapsed, error, retry_after)

    def close(self) -> None:
        self._client.close()


@dataclass
class SentRequest:
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass
class RecordingSender:
    """Answers from a script (status codes or SendResults, last one repeats); records calls."""

    script: list[int | SendResult] = field(default_factory=lambda: [200])
    sent: list[SentRequest] = field(default_factory=list)
    on_send: Callable[[SentRequest], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, url: str, body: bytes, headers: dict[str, str], timeout_s: float) -> SendResult:
        request = SentRequest(url, body, dict(headers))
        with self._lock:
            answer = self.script[min(len(self.sent), len(self.script) - 1)]
            self.sent.append(request)
        if self.on_send:
            self.on_send(request)
        if isinstance(answer, SendResult):
            return answer
        return SendResult(answer, 1.0, None if 200 <= answer < 300 else f"HTTP {answer}")

    def close(self) -> None:
        return None
