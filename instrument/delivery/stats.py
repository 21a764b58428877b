"""Delivery counters: kept as plain ints (for `stats()` and the drop report on spans) and
mirrored to OpenTelemetry metrics (a no-op until the host installs a MeterProvider).

Self-metrics, all counters of spans:
  tracevault.delivery.delivered_spans
  tracevault.delivery.rejected_spans                   the collector refused them (400, ...)
  tracevault.delivery.dropped_spans {reason}           queue_full | spool_full | write_error
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from opentelemetry import metrics

__all__ = ["DROP_REASONS", "Counters", "DeliveryStats"]

DROP_REASONS = ("queue_full", "spool_full", "write_error")


@dataclass(frozen=True, slots=True)
class DeliveryStats:
    queued_spans: int  # in memory, not yet on disk
    spooled_files: int  # on disk, not yet delivered (adopted files included)
    spooled_bytes: int
    written_spans: int
    delivered_spans: int
    rejected_spans: int
    dropped_queue_full: int
    dropped_spool_full: int
    dropped_write_error: int
    retries: int
    last_error: str


class Counters:
    def __init__(self, meter_provider: metrics.MeterProvider | None = None) -> None:
        self.written = 0
        self.delivered = 0
        self.rejected = 0
        self.retries = 0
        self.last_error = ""
        self.dropped = dict.fromkeys(DROP_REASONS, 0)
        self._reported = dict.fromkeys(DROP_REASONS, 0)
        self._lock = threading.Lock()
        meter = metrics.get_meter("tracevault.delivery", meter_provider=meter_provider)
        self._m_delivered = meter.create_counter("tracevault.delivery.delivered_spans", "{span}")
        self._m_rejected = meter.create_counter("tracevault.delivery.rejected_spans", "{span}")
        self._m_dropped = meter.create_counter("tracevault.delivery.dropped_spans", "{span}")

    def drop(self, reason: str, count: int) -> None:
        if count <= 0:
            return
        with self._lock:
            self.dropped[reason] += count
        self._m_dropped.add(count, {"reason": reason})

    def deliver(self, count: int, report: dict[str, int]) -> None:
        """`count` spans were stored; `report` is the drop report they carried."""
        with self._lock:
            self.delivered += count
            for reason, n in report.items():
                self._reported[reason] += n
        self._m_delivered.add(count)

    def reject(self, count: int, message: str) -> None:
        with self._lock:
            self.rejected += count
            self.last_error = message
        self._m_rejected.add(count)

    def unreported(self) -> dict[str, int]:
        """Drops not yet stamped on a delivered span."""
        with self._lock:
            return {r: self.dropped[r] - self._reported[r] for r in DROP_REASONS
                    if self.dropped[r] > self._reported[r]}  # fmt: skip
