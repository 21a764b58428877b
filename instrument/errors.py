"""Errors of the instrument package, and the one place its own faults are contained.

    TracevaultError                 root of everything this package raises on purpose
    ├── ConfigError (ValueError)    a bad option or environment value, raised by patch()
    └── InstrumentationError        an internal fault, raised only when internal errors
                                    are set to raise (tests); otherwise logged once

The user's own exceptions (an API error, a tool's exception) are never wrapped: they pass
through unchanged. `contain()` guards every piece of instrumentation code that runs inside the
host's call: our fault is logged once per site and swallowed, unless raising is switched on.
"""

from __future__ import annotations

import logging
import threading

__all__ = ["ConfigError", "InstrumentationError", "TracevaultError", "contain"]

log = logging.getLogger("tracevault.instrument")


class TracevaultError(Exception):
    """Root of the errors this package raises on purpose."""


class ConfigError(TracevaultError, ValueError):
    """An option or environment variable has a value patch() cannot use."""


class InstrumentationError(TracevaultError):
    """A fault inside the instrumentation itself (never the user's error)."""


class _Containment:
    """Logs each fault site once; `raise_errors` turns containment off for tests."""

    def __init__(self) -> None:
        self.raise_errors = False
        self.pending: list[BaseException] = []  # worker faults, re-raised by flush() in tests
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, site: str, exc: BaseException, *, from_worker: bool = False) -> None:
        with self._lock:
            first = site not in self._seen
            self._seen.add(site)
            if self.raise_errors and from_worker:
                self.pending.append(exc)
        if first:
            log.warning("tracevault instrumentation fault in %s (logged once)", site, exc_info=exc)
        if self.raise_errors and not from_worker:
            raise InstrumentationError(f"instrumentation fault in {site}") from exc

    def take_pending(self) -> BaseException | None:
        with self._lock:
            pending, self.pending = self.pending, []
        return pending[0] if pending else None

    def reset(self) -> None:
        with self._lock:
            self._seen.clear()
            self.pending.clear()


contain = _Containment()
