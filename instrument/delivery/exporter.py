"""`SpoolingSpanExporter`: a SpanExporter whose export() never blocks and never loses spans
to a slow, down or restarting collector.

    export() (any thread) --> SpanBuffer (bounded, drops counted) --> writer thread
        --> Spool (fsync'd files on disk, bounded, oldest dropped and counted)
        --> Courier thread --> POST {endpoint}/v1/traces (retry, backoff, Retry-After)

Every span goes through the disk (write-ahead), so a span handed to export() is on disk
within `linger_s` plus one fsync, whatever the collector is doing, and a process killed after
that loses nothing: the next process with the same spool directory sends it. The exporter
sits after the instrumentation's redaction, so only redacted content ever reaches the spool.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections.abc import Sequence

import httpx
from opentelemetry.metrics import MeterProvider
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from instrument.delivery.buffer import SpanBuffer
from instrument.delivery.config import DeliveryConfig
from instrument.delivery.courier import Courier
from instrument.delivery.encode import encode_batch
from instrument.delivery.sender import Sender
from instrument.delivery.spool import Spool
from instrument.delivery.stats import Counters, DeliveryStats
from instrument.errors import contain

__all__ = ["SpoolingSpanExporter"]

log = logging.getLogger("tracevault.delivery")

_live: weakref.WeakSet[SpoolingSpanExporter] = weakref.WeakSet()


class SpoolingSpanExporter(SpanExporter):
    def __init__(
        self,
        config: DeliveryConfig | None = None,
        *,
        http_client: httpx.Client | None = None,
        meter_provider: MeterProvider | None = None,  # None: the global one (no-op if unset)
    ) -> None:
        self.config = config or DeliveryConfig()
        self._counters = Counters(meter_provider)
        self._buffer: SpanBuffer[ReadableSpan] = SpanBuffer(self.config.max_queue_spans)
        self._spool = Spool(
            self.config.destination_dir,
            int(self.config.max_spool_bytes or 0),
            on_drop=lambda n: self._counters.drop("spool_full", n),
        )
        self._spool.adopt_orphans()  # before the first flush(), so flush() covers them too
        self._sender = Sender(self.config, http_client)
        self._courier = Courier(self.config, self._spool, self._sender, self._counters)
        self._writer = threading.Thread(
            target=self._write_loop, name="tracevault-spool", daemon=True
        )
        self._shutdown_lock = threading.Lock()
        self._closed = False
        self._writer.start()
        self._courier.start()
        _live.add(self)

    @property
    def spool_directory(self):  # -> Path
        """This process's own spool sub-directory."""
        return self._spool.directory

    # -- SpanExporter ----------------------------------------------------------------------
    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Queue and return at once; spans that do not fit are dropped and counted."""
        if self._closed:
            self._counters.drop("queue_full", len(spans))
            return SpanExportResult.FAILURE
        dropped = self._buffer.offer(spans)
        if dropped:
            self._counters.drop("queue_full", dropped)
        return SpanExportResult.SUCCESS

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.flush(timeout_millis / 1000)

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until every span exported before this call is delivered (or definitively
        rejected or dropped); True if that happened within `timeout` seconds. Spans not yet
        delivered stay on disk either way."""
        deadline = time.monotonic() + timeout
        target = self._buffer.accepted
        self._buffer.hurry()
        if not self._buffer.wait_done(target, timeout):
            return False
        pending = self._spool.pending()
        self._courier.kick()
        return self._spool.wait_gone(pending, max(deadline - time.monotonic(), 0.0))

    def shutdown(self) -> None:
        """Write everything queued to disk, try to deliver for at most `exit_flush_s`, stop.
        Safe to call twice; whatever was not delivered waits on disk for the next process."""
        with self._shutdown_lock:
            if self._closed:
                return
            self._closed = True
        deadline = time.monotonic() + self.config.exit_flush_s
        self._buffer.close()
        self._writer.join(max(deadline - time.monotonic(), 0.5))  # local disk: fast
        self._courier.drain(max(deadline - time.monotonic(), 0.0))
        self._sender.close()
        self._spool.close()
        _live.discard(self)

    # -- state -----------------------------------------------------------------------------
    def stats(self) -> DeliveryStats:
        files, size = self._spool.usage()
        c = self._counters
        return DeliveryStats(
            queued_spans=len(self._buffer), spooled_files=files, spooled_bytes=size,
            written_spans=c.written, delivered_spans=c.delivered, rejected_spans=c.rejected,
            dropped_queue_full=c.dropped["queue_full"], dropped_spool_full=c.dropped["spool_full"],
            dropped_write_error=c.dropped["write_error"], retries=c.retries,
            last_error=c.last_error,
        )  # fmt: skip

    # -- writer thread ---------------------------------------------------------------------
    def _write_loop(self) -> None:
        gzip = self.config.compression == "gzip"
        while True:
            batch = self._buffer.take(self.config.max_batch_spans, self.config.linger_s)
            if not batch:
                return  # closed and empty
            try:
                self._spool.append(encode_batch(batch, gzip), len(batch), gzip)
                self._counters.written += len(batch)
                self._courier.notify()
            except Exception as exc:  # disk full, unwritable directory, unencodable span
                self._counters.drop("write_error", len(batch))
                contain("delivery.spool_write", exc, from_worker=True)
            finally:
                self._buffer.finished(len(batch))


@atexit.register
def _shutdown_all() -> None:
    """Bounded flush at interpreter exit (each exporter: at most its `exit_flush_s`)."""
    for exporter in list(_live):
        try:
            exporter.shutdown()
        except Exception:  # never let our exit hook break the host's exit
            log.exception("tracevault delivery shutdown failed")
