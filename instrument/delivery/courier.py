"""The delivery thread: oldest spooled batch first, POST, then delete, retry or give up.

Waits: exponential backoff (cut short by `kick()`, which flush() uses to try at once), or the
collector's Retry-After (only shutdown cuts that short). At shutdown it keeps going until the
spool is empty or the exit deadline; a POST never outlives that deadline.
"""

from __future__ import annotations

import logging
import random
import threading
import time

from instrument.delivery.config import DeliveryConfig
from instrument.delivery.encode import annotate_drops
from instrument.delivery.retry import Verdict, give_up, retry_delay
from instrument.delivery.sender import Attempt, Sender
from instrument.delivery.spool import Entry, Spool
from instrument.delivery.stats import Counters

__all__ = ["Courier"]

log = logging.getLogger("tracevault.delivery")


class Courier:
    def __init__(
        self, config: DeliveryConfig, spool: Spool, sender: Sender, counters: Counters,
        rng: random.Random | None = None,
    ) -> None:  # fmt: skip
        self._config = config
        self._spool = spool
        self._sender = sender
        self._counters = counters
        self._rng = rng or random.Random()
        self._failures = 0  # consecutive failed attempts; drives the backoff
        self._server_errors = 0  # consecutive 500s on the batch at the head of the spool
        self._new_data = threading.Event()
        self._kick = threading.Event()
        self._halt = threading.Event()
        self._deadline: float | None = None  # set when draining for shutdown
        self._thread = threading.Thread(target=self._run, name="tracevault-delivery", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def notify(self) -> None:
        """A new batch is on disk."""
        self._new_data.set()

    def kick(self) -> None:
        """Retry now instead of finishing the current backoff (flush)."""
        self._kick.set()
        self._new_data.set()

    def drain(self, timeout: float) -> None:
        """Deliver what is left within `timeout`, then stop; what is not sent stays on disk."""
        self._deadline = time.monotonic() + timeout
        self.kick()
        self._thread.join(timeout)
        self._halt.set()
        self._kick.set()
        self._new_data.set()
        self._thread.join(0.2)

    # -- thread ----------------------------------------------------------------------------
    def _run(self) -> None:
        last_scan = time.monotonic()
        while not self._halt.is_set():
            entry = self._spool.next_entry()
            if entry is None:
                if self._deadline is not None:
                    return  # draining and nothing left
                self._new_data.wait(self._config.rescan_s)
                self._new_data.clear()
                if time.monotonic() - last_scan >= self._config.rescan_s:
                    last_scan = time.monotonic()
                    self._spool.adopt_orphans()
                continue
            if not self._attempt(entry):
                return

    def _attempt(self, entry: Entry) -> bool:
        """Send one batch and settle it; False means stop the thread."""
        body = self._spool.read(entry)
        if body is None:  # deleted under us (evicted): nothing to send
            self._spool.settle(entry, done=True)
            return True
        report = self._counters.unreported()
        if report:
            body = annotate_drops(body, entry.gzip, report)
        attempt = self._sender.send(body, entry.gzip, self._post_timeout())
        if self._should_retry(attempt):
            self._spool.settle(entry, done=False)
            return self._back_off(attempt)
        self._settle(entry, attempt, report)  # a no-op if the spool closed during the POST
        return not self._halt.is_set()

    def _should_retry(self, attempt: Attempt) -> bool:
        self._server_errors = self._server_errors + 1 if attempt.status == 500 else 0
        limit = self._config.max_server_error_retries
        return attempt.verdict is Verdict.RETRY and not give_up(
            attempt.status, self._server_errors, limit
        )

    def _settle(self, entry: Entry, attempt: Attempt, report: dict[str, int]) -> None:
        if self._failures:
            log.info("tracevault collector back after %d failed attempts", self._failures)
        self._failures = self._server_errors = 0
        if attempt.verdict is Verdict.DELIVERED:
            self._counters.deliver(entry.spans - attempt.rejected_spans, report)
            if attempt.rejected_spans:
                self._reject(attempt.rejected_spans, attempt)
        else:
            self._reject(entry.spans, attempt)
        self._spool.settle(entry, done=True)

    def _reject(self, spans: int, attempt: Attempt) -> None:
        self._counters.reject(spans, attempt.message)
        log.warning("tracevault collector rejected %d spans (HTTP %s), not retrying: %s",
                    spans, attempt.status, attempt.message)  # fmt: skip

    def _back_off(self, attempt: Attempt) -> bool:
        """Wait before the next try; False when draining and the wait would pass the deadline."""
        if self._failures == 0:
            log.warning("tracevault collector unavailable (%s); spans stay spooled and are retried",
                        attempt.message or f"HTTP {attempt.status}")  # fmt: skip
        self._counters.retries += 1
        self._counters.last_error = attempt.message or f"HTTP {attempt.status}"
        delay = retry_delay(
            self._failures, attempt.retry_after, base=self._config.backoff_base_s,
            cap=self._config.backoff_max_s, max_retry_after=self._config.max_retry_after_s,
            rng=self._rng,
        )  # fmt: skip
        self._failures += 1
        if self._deadline is not None and time.monotonic() + delay >= self._deadline:
            return False
        if attempt.retry_after is not None:
            self._halt.wait(delay)  # the server said when: only shutdown cuts this short
        elif self._kick.wait(delay):
            self._kick.clear()
        return not self._halt.is_set()

    def _post_timeout(self) -> float:
        if self._deadline is None:
            return self._config.timeout_s
        return max(min(self._config.timeout_s, self._deadline - time.monotonic()), 0.05)
