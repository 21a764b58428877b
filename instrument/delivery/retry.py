"""When to retry a POST and how long to wait: pure functions, table-tested.

OTLP/HTTP says only 429, 502, 503 and 504 are retryable. We also retry 408 (the request
timed out on the way) and 401/403: a rotated or mistyped key is fixed by an operator, and
dropping the audit trail meanwhile would be worse than holding it in the bounded spool.
A 500 is a collector fault more often than a bad batch: it is retried a few times
(`give_up`), then treated as a rejection so one poison batch cannot block the spool forever.
Every other 4xx/5xx is a verdict on the batch itself: resending it cannot help.
"""

from __future__ import annotations

import enum
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = [
    "Verdict",
    "backoff_delay",
    "classify",
    "give_up",
    "parse_retry_after",
    "retry_delay",
]

RETRYABLE = frozenset({401, 403, 408, 429, 500, 502, 503, 504})
LIMITED = frozenset({500})  # retried at most `limit` times, then rejected


class Verdict(enum.Enum):
    DELIVERED = "delivered"
    REJECTED = "rejected"  # counted, logged, deleted; never resent
    RETRY = "retry"  # stays in the spool; resent after a delay


def classify(status: int) -> Verdict:
    if 200 <= status < 300:
        return Verdict.DELIVERED
    return Verdict.RETRY if status in RETRYABLE else Verdict.REJECTED


def give_up(status: int | None, seen: int, limit: int) -> bool:
    """True when this answer came `seen` times in a row, more than `limit` retries allow."""
    return status in LIMITED and seen > limit


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent
    or unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random, so many agents that
    lost the same collector spread out but none retries in a tight loop."""
    ceiling = min(cap, base * (2 ** min(attempt, 32)))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def retry_delay(
    attempt: int,
    retry_after: float | None,
    *,
    base: float,
    cap: float,
    max_retry_after: float,
    rng: random.Random,
) -> float:
    """The server's Retry-After wins (never earlier, up to 10% later to de-synchronize
    clients); otherwise our own backoff."""
    if retry_after is not None:
        wait = min(retry_after, max_retry_after)
        return wait + rng.uniform(0, wait * 0.1)
    return backoff_delay(attempt, base, cap, rng)
