"""What the calling thread hands the worker: references and timestamps, nothing built.

A `CallRecord` is one SDK call (all its retries, and the reading of its stream). The caller
fills it with references (request body, the successful httpx response, the raised exception,
raw stream chunks with their arrival times) and submits it exactly once; the worker turns it
into a span. A `ToolRecord` ends a tool span that the caller started.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from instrument import clock

__all__ = ["CallRecord", "ToolRecord"]

Submit = Callable[[Any], None]


class CallRecord:
    """One model-API call. `finish()` submits it once; later calls are ignored."""

    __slots__ = (
        "base_url",
        "body",
        "chunks",
        "end_ns",
        "error",
        "op",
        "outcome",
        "parent",
        "response",
        "start_ns",
        "statuses",
        "stream",
        "submit",
    )

    def __init__(
        self, op: str, body: Any, parent: Any, base_url: Any, stream: bool, submit: Submit
    ) -> None:
        self.op = op
        self.body = body
        self.parent = parent  # the OTel context current at the call: parent span + our context
        self.base_url = base_url
        self.stream = stream
        self.submit: Submit | None = submit
        self.start_ns = clock.now_ns()
        self.end_ns = 0
        self.statuses: list[int] = []  # status of each failed attempt that was retried (0 = none)
        self.response: Any = None  # httpx2.Response of the successful attempt
        self.chunks: list[tuple[int, bytes]] | None = None  # streamed body, with arrival times
        self.error: BaseException | None = None
        self.outcome = "completed"  # or "closed_early" | "failed"

    def finish(self, outcome: str | None = None, error: BaseException | None = None) -> None:
        submit = self.submit
        if submit is None:
            return
        self.submit = None
        self.end_ns = clock.now_ns()
        if outcome is not None:
            self.outcome = outcome
        if error is not None:
            self.error = error
        submit(self)


class ToolRecord:
    """The end of a tool (or agent) span the caller started; content is redacted in the worker."""

    __slots__ = ("arguments", "call_id", "end_ns", "error", "has_result", "result", "span")

    def __init__(self, span: Any, call_id: str | None, arguments: Any) -> None:
        self.span = span
        self.call_id = call_id
        self.arguments = arguments
        self.result: Any = None
        self.has_result = False
        self.error: BaseException | None = None
        self.end_ns = 0
