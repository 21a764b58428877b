"""The background worker: builds, prices, redacts and emits spans off the caller's thread.

The caller only `submit()`s records (one C-level queue put). The worker drains up to
`_BATCH` records at a time, plans their spans (`build.py`), redacts the content of the whole
batch in ONE `redact_many` call (the redactor caches texts that agents resend every turn), and
emits each span through the tracer with its recorded start/end times and captured parent.

Back-pressure: past `max_queue` waiting records a call goes unrecorded (counted in
`dropped`); past `redaction_backlog` content is dropped rather than redacted late
(`tracevault.content_dropped = true`) and raw content is never shipped instead.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict, deque
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanContext, Status, StatusCode

from instrument.build import Plan, canonical, plan_call, plan_tool
from instrument.content import content_slots
from instrument.errors import contain
from instrument.records import CallRecord, ToolRecord
from instrument.redact_hook import redact_values

__all__ = ["Worker"]

_BATCH = 64
_STOP = object()
# The worker wakes this often, or at once past _WAKE_AT waiting records (or on flush/stop).
# Waking it on every call would hand it the GIL while the caller is still returning through
# the SDK; lingering lets it run while agents wait on their next model call instead.
_LINGER_S = 0.05
_WAKE_AT = 256
_KNOWN_CALLS = 10_000  # tool_use ids remembered for linking tool spans


class Worker:
    def __init__(
        self, tracer: Any, capture: str, redactor: Any, max_queue: int, backlog: int
    ) -> None:
        self.tracer = tracer
        self.capture = capture
        self.redactor = redactor
        self.max_queue = max_queue
        self.backlog = backlog
        self.dropped = 0
        self._queue: deque[Any] = deque()  # append/popleft are atomic: no lock on the caller
        self._wake = threading.Event()
        self._calls: OrderedDict[str, SpanContext] = OrderedDict()  # tool_use id -> chat span
        self._pending: dict[tuple[str, str], deque[str]] = {}  # (name, args) -> unclaimed ids
        self._thread = threading.Thread(target=self._run, name="tracevault-worker", daemon=True)
        self._thread.start()

    def submit(self, item: Any) -> None:
        waiting = len(self._queue)
        if waiting >= self.max_queue:
            self.dropped += 1
            return
        self._queue.append(item)
        if waiting >= _WAKE_AT:
            self._wake.set()

    def flush(self, timeout: float) -> bool:
        """True once everything submitted before this call has been emitted."""
        done = threading.Event()
        self._queue.append(done)
        self._wake.set()
        return done.wait(timeout)

    def stop(self, timeout: float) -> None:
        self._queue.append(_STOP)
        self._wake.set()
        self._thread.join(timeout)

    # -- worker thread -----------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            self._wake.wait(_LINGER_S)
            self._wake.clear()
            while self._queue:
                if self._drain(self._take(_BATCH)):
                    return

    def _take(self, limit: int) -> list[Any]:
        batch = []
        while self._queue and len(batch) < limit:
            batch.append(self._queue.popleft())
        return batch

    def _drain(self, batch: list[Any]) -> bool:
        """Emit one batch; True when the stop marker was in it."""
        records = [item for item in batch if isinstance(item, CallRecord | tuple)]
        self._process(records)
        for item in batch:
            if isinstance(item, threading.Event):
                item.set()
        return any(item is _STOP for item in batch)

    def _process(self, records: list[Any]) -> None:
        capture = self.capture != "none"
        plans: list[Plan] = []
        for record in records:
            try:
                plans.append(self._plan(record, capture))
            except Exception as exc:
                contain("worker.plan", exc, from_worker=True)
        if capture:
            self._content(plans)
        for plan in plans:
            try:
                self._emit(plan)
            except Exception as exc:
                contain("worker.emit", exc, from_worker=True)

    def _plan(self, record: Any, capture: bool) -> Plan:
        if isinstance(record, CallRecord):
            return plan_call(record, capture)
        tool, name = record  # (ToolRecord, tool name)
        assert isinstance(tool, ToolRecord)
        return plan_tool(tool, name, capture)

    # -- content -----------------------------------------------------------------------------
    def _content(self, plans: list[Plan]) -> None:
        every = [p for plan in plans for p in (plan, *plan.children) if p.content]
        if not every:
            return
        if self.capture == "redacted" and not self._redact(every):
            for plan in every:
                plan.content.clear()
                plan.attributes["tracevault.content_dropped"] = True
            return
        for plan in every:
            if self.capture == "full":
                # Tells the collector this content is deliberately unredacted; it stores it raw
                # only for projects that allow it and redacts it otherwise.
                plan.attributes["tracevault.capture_content"] = "full"
            for attr, value in plan.content.items():
                plan.attributes[attr] = value if isinstance(value, str) else _dumps(value)

    def _redact(self, plans: list[Plan]) -> bool:
        """Redact every content slot of `plans` in one batch; False = could not (drop it)."""
        if self.redactor is None or len(self._queue) > self.backlog:
            return False
        slots = [(plan, holder, key) for plan in plans for holder, key in _slots(plan)]
        try:
            values, counts = redact_values([h[k] for _, h, k in slots], self.redactor)
        except Exception as exc:
            contain("worker.redact", exc, from_worker=True)
            return False
        for (plan, holder, key), value, found in zip(slots, values, counts, strict=True):
            holder[key] = value
            for entity, n in found.items():
                name = f"tracevault.redaction.entities.{entity}"
                plan.attributes[name] = plan.attributes.get(name, 0) + n
        for plan in plans:
            plan.attributes["tracevault.redaction.by"] = "tracevault-sdk"
        return True

    # -- emit --------------------------------------------------------------------------------
    def _emit(self, plan: Plan) -> None:
        if plan.span is not None:
            self._end_tool(plan)
            return
        span = self.tracer.start_span(
            plan.name,
            context=plan.parent,
            kind=plan.kind,
            attributes=plan.attributes,
            start_time=plan.start_ns,
        )
        child_context = trace.set_span_in_context(span, plan.parent)
        for child in plan.children:
            child.parent = child_context
            self._emit(child)
        _set_status(span, plan)
        span.end(end_time=plan.end_ns)
        self._remember_calls(plan, span.get_span_context())

    def _remember_calls(self, plan: Plan, context: SpanContext) -> None:
        for call_id, name, arguments in plan.tool_calls:
            self._calls[call_id] = context
            self._pending.setdefault((name, canonical(arguments)), deque()).append(call_id)
        while len(self._calls) > _KNOWN_CALLS:
            self._calls.popitem(last=False)
        if len(self._pending) > _KNOWN_CALLS:
            self._pending.clear()

    def _end_tool(self, plan: Plan) -> None:
        span = plan.span
        call_id = plan.attributes.get("gen_ai.tool.call.id")
        if call_id is None and plan.tool_key is not None:
            waiting = self._pending.get(plan.tool_key)
            call_id = waiting.popleft() if waiting else None
            if call_id is not None:
                plan.attributes["gen_ai.tool.call.id"] = call_id
        span.set_attributes(plan.attributes)
        linked = self._calls.get(call_id) if call_id else None
        if linked is not None:
            span.add_link(linked, {"tracevault.link": "tool_call"})
        _set_status(span, plan)
        span.end(end_time=plan.end_ns)


def _slots(plan: Plan) -> list[tuple[dict[str, Any], str]]:
    slots: list[tuple[dict[str, Any], str]] = []
    for attr, value in plan.content.items():
        if attr.startswith("gen_ai.tool.call."):
            slots.append((plan.content, attr))
        else:
            slots.extend(content_slots(value))
    return slots


def _set_status(span: Any, plan: Plan) -> None:
    if plan.error is not None:
        span.set_status(Status(StatusCode.ERROR, plan.error))
    elif "tracevault.call.cancelled" not in plan.attributes:
        span.set_status(Status(StatusCode.OK))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
