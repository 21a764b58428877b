"""tracevault instrumentation for agents on the Anthropic SDK.

    import instrument
    instrument.patch(endpoint="http://127.0.0.1:4318", api_key="...")  # or env vars
    with instrument.context(user_id="u1", session_id="s1"):
        client.messages.create(...)                    # one `chat {model}` span
    instrument.flush()

`patch()` / `unpatch()` are idempotent mirror images; `patch()` on an active patch re-applies
the new settings. One inference span per model call on every SDK surface (see `_patch.py`);
the SDK's own native spans are switched off while patched, so there are never two. Spans are
built, priced and redacted on a background worker; the caller's thread only records.
TracerProvider policy: see `runtime.py` (we add to an application's provider, never replace).
"""

from __future__ import annotations

import atexit
from typing import Any

from instrument import _patch, runtime
from instrument.config import Settings, resolve_settings
from instrument.context import agent, context
from instrument.errors import ConfigError, InstrumentationError, TracevaultError, contain
from instrument.tools import ToolRun, tool, tool_span

__all__ = [
    "ConfigError",
    "InstrumentationError",
    "Settings",
    "ToolRun",
    "TracevaultError",
    "agent",
    "context",
    "flush",
    "is_patched",
    "patch",
    "tool",
    "tool_span",
    "unpatch",
]


def patch(**options: Any) -> Settings:
    """Instrument the Anthropic SDK. Options: see `instrument.config` (argument > env > default).

    Also: `exporter=` any SpanExporter (tests: InMemorySpanExporter), `tracer_provider=`,
    `redactor=` (object with `redact_many`), `prices=` (override for the price table).
    """
    settings = resolve_settings(**options)
    if runtime.state() is not None:
        unpatch()
    contain.raise_errors = settings.raise_internal_errors
    if settings.prices is not None:
        from instrument.pricing import set_price_overrides

        set_price_overrides(settings.prices)
    runtime.start(settings)
    _patch.install()
    atexit.register(_at_exit)
    return settings


def unpatch(timeout: float = 10.0) -> None:
    """Undo patch(): restore the SDK, flush what is queued, detach our processors."""
    current = runtime.state()
    _patch.uninstall()
    if current is None:
        return
    runtime.stop(timeout)
    if current.settings.prices is not None:
        from instrument.pricing import set_price_overrides

        set_price_overrides(None)
    atexit.unregister(_at_exit)


def flush(timeout: float = 10.0) -> bool:
    """Emit and export everything recorded so far. Under `raise_internal_errors`, re-raises
    the first fault the worker met since the last flush."""
    done = runtime.flush(timeout)
    fault = contain.take_pending()
    if fault is not None:
        raise InstrumentationError("instrumentation fault in the worker") from fault
    return done


def is_patched() -> bool:
    return runtime.state() is not None


def _at_exit() -> None:
    runtime.flush(5.0)
