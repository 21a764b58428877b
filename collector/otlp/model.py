"""What both OTLP decoders produce: `RawSpan`s in a `DecodeResult`, and their limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_VALUE_CHARS = 64 * 1024
MAX_DEPTH = 16
TRUNCATION_MARK = "…[truncated]"
_MAX_ERRORS = 10  # distinct rejection reasons kept for the partial-success message


class OTLPDecodeError(ValueError):
    """The body as a whole is malformed: answer 400, store nothing."""


class SpanError(ValueError):
    """One span is unusable: reject it, keep the others."""


@dataclass(slots=True)
class RawSpan:
    trace_id: str  # 32 lowercase hex
    span_id: str  # 16 lowercase hex
    parent_span_id: str | None
    name: str
    kind: int
    start_ns: int
    end_ns: int
    status_code: int
    status_message: str
    attributes: dict[str, Any]
    events: list[dict[str, Any]]  # {"name", "time_ns", "attributes"}
    links: list[dict[str, Any]]  # {"trace_id", "span_id", "attributes"}
    resource: dict[str, Any]  # shared by the spans of one resource: treat as read-only
    scope_name: str
    scope_version: str


@dataclass(slots=True)
class DecodeResult:
    spans: list[RawSpan] = field(default_factory=list)
    rejected: int = 0
    errors: list[str] = field(default_factory=list)

    def reject(self, reason: str) -> None:
        self.rejected += 1
        if len(self.errors) < _MAX_ERRORS and reason not in self.errors:
            self.errors.append(reason)


def cap(text: str) -> str:
    if len(text) <= MAX_VALUE_CHARS:
        return text
    return text[:MAX_VALUE_CHARS] + TRUNCATION_MARK


def too_deep() -> OTLPDecodeError:
    return OTLPDecodeError(f"attribute value nested deeper than {MAX_DEPTH} levels")
