"""Retry policy: classification, Retry-After parsing, backoff with jitter (seeded)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from instrument.delivery.retry import (
    Verdict,
    backoff_delay,
    classify,
    give_up,
    parse_retry_after,
    retry_delay,
)


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, Verdict.DELIVERED),
        (202, Verdict.DELIVERED),
        (400, Verdict.REJECTED),
        (404, Verdict.REJECTED),
        (413, Verdict.REJECTED),
        (415, Verdict.REJECTED),
        (500, Verdict.RETRY),
        (501, Verdict.REJECTED),
        (401, Verdict.RETRY),
        (403, Verdict.RETRY),
        (408, Verdict.RETRY),
        (429, Verdict.RETRY),
        (502, Verdict.RETRY),
        (503, Verdict.RETRY),
        (504, Verdict.RETRY),
    ],
)
def test_classify_maps_status_to_verdict(status: int, verdict: Verdict) -> None:
    assert classify(status) is verdict


NOW = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("Wed, 01 Jan 2025 12:00:30 GMT", 30.0),
        ("Wed, 01 Jan 2025 11:59:00 GMT", 0.0),  # a date in the past: retry now
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after_reads_seconds_and_dates(
    header: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(header, NOW) == seconds


def test_backoff_delay_doubles_within_jitter_band_when_attempts_grow() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(n, 0.5, 30.0, rng) for n in range(8)]
    ceilings = [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    for delay, ceiling in zip(delays, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling


def test_backoff_delay_is_reproducible_when_seeded() -> None:
    first = [backoff_delay(n, 1.0, 60.0, random.Random(42)) for n in range(3)]
    second = [backoff_delay(n, 1.0, 60.0, random.Random(42)) for n in range(3)]
    assert first == second
    assert len(set(first)) == 3


def test_backoff_delay_stays_capped_when_attempt_is_huge() -> None:
    assert 15.0 <= backoff_delay(10_000, 0.5, 30.0, random.Random(1)) <= 30.0


def test_retry_delay_honours_retry_after_when_given() -> None:
    rng = random.Random(3)
    delays = [
        retry_delay(5, 2.0, base=0.5, cap=30, max_retry_after=300, rng=rng) for _ in range(50)
    ]
    assert min(delays) >= 2.0
    assert max(delays) <= 2.2


def test_retry_delay_clamps_retry_after_when_absurd() -> None:
    delay = retry_delay(0, 86_400, base=0.5, cap=30, max_retry_after=300, rng=random.Random(0))
    assert 300.0 <= delay <= 330.0


def test_retry_delay_uses_backoff_when_no_retry_after() -> None:
    delay = retry_delay(2, None, base=0.5, cap=30, max_retry_after=300, rng=random.Random(0))
    assert delay == backoff_delay(2, 0.5, 30, random.Random(0))


@pytest.mark.parametrize(
    ("status", "failures", "expected"),
    [(500, 3, False), (500, 4, True), (503, 50, False), (None, 50, False), (429, 9, False)],
)
def test_give_up_only_on_repeated_500(status: int | None, failures: int, expected: bool) -> None:
    assert give_up(status, failures, limit=3) is expected
