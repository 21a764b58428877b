"""One decoded span -> one canonical row (`to_row`, the ingest path) or record (`to_record`).

`to_row` is the hot path: a tuple in `ROW_FIELDS` order with times as integer microseconds,
so a batch is turned into Arrow columns without building a dict and three datetimes per span.
`to_record` is the same values as a dict keyed by `FIELD_NAMES`, times as datetimes.
Attributes whose values went into `content` are left out of `attributes`: content is the
largest part of a span and storing it twice doubled what the writer and the disk handle.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from collector.normalize.content import content_and_sources
from collector.normalize.errors import errors
from collector.normalize.fields import (
    INFERENCE_OPERATIONS,
    agent,
    cost,
    finish_reason,
    models,
    operation,
    redaction,
    tool,
    usage,
)
from collector.normalize.slots import as_str, pick
from collector.otlp import RawSpan
from collector.schema import FIELD_NAMES

# Every canonical field but the last, received_at, which is one value for a whole batch.
ROW_FIELDS: tuple[str, ...] = FIELD_NAMES[:-1]
TIME_FIELDS = frozenset({"start_time", "end_time"})  # integer microseconds in a row
assert FIELD_NAMES[-1] == "received_at"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_KINDS = ("unspecified", "internal", "server", "client", "producer", "consumer")
_STATUS = ("unset", "ok", "error")
_NO_TOKENS: tuple[None, None, None, None] = (None, None, None, None)
# Attribute maps are stored with sorted keys: the protobuf decoder yields them in a per-process
# hash order, so without sorting the same span would be stored differently by each ingest worker.
_SORTED = orjson.OPT_SORT_KEYS
_last_resource: tuple[dict[str, Any] | None, str] = (None, "{}")


def _resource_json(resource: dict[str, Any]) -> str:
    # The spans of one request share one resource dict: serialize it once, not per span.
    global _last_resource
    cached, text = _last_resource
    if cached is not resource:
        text = orjson.dumps(resource, option=_SORTED).decode()
        _last_resource = (resource, text)
    return text


def _time(ns: int) -> datetime | None:
    return _EPOCH + timedelta(microseconds=ns // 1000) if ns > 0 else None


def _events_json(events: list[dict[str, Any]]) -> str:
    if not events:
        return "[]"
    return orjson.dumps(
        [
            {"name": e["name"], "time": _time(e["time_ns"]), "attributes": e["attributes"]}
            for e in events
        ],
        option=_SORTED,
    ).decode()


def _attributes_json(attrs: dict[str, Any], content_keys: list[str]) -> str:
    if content_keys:
        attrs = {key: value for key, value in attrs.items() if key not in content_keys}
    return orjson.dumps(attrs, option=_SORTED).decode()


def to_row(span: RawSpan, project: str) -> tuple[Any, ...]:
    """The canonical values of one span in `ROW_FIELDS` order (times in microseconds)."""
    attrs = span.attributes
    p = pick(attrs)
    op = operation(span.name, p)
    request_model, response_model = models(attrs, p)
    content, content_keys = content_and_sources(attrs, span.events, op, p)
    inference = op in INFERENCE_OPERATIONS
    tokens = usage(p) if inference else _NO_TOKENS
    tool_name, tool_call_id = tool(op, attrs, p, content)
    error_type, error_class, http_status = errors(span, p, op)
    provider = p.get("provider")
    end = span.end_ns // 1000 if span.end_ns > 0 else None
    return (
        project,
        span.trace_id,
        span.span_id,
        span.parent_span_id,
        as_str(span.resource.get("service.name")),
        span.name,
        _KINDS[span.kind] if 0 <= span.kind < 6 else "unspecified",
        span.start_ns // 1000 if span.start_ns > 0 else None,
        end,
        max(span.end_ns - span.start_ns, 0) / 1e6 if end is not None else None,
        _STATUS[span.status_code] if 0 <= span.status_code < 3 else "unset",
        span.status_message or None,
        op,
        provider.lower() if isinstance(provider, str) else None,
        request_model,
        response_model,
        *tokens,
        cost(p, response_model or request_model, tokens) if inference else None,
        finish_reason(p, content) if inference else None,
        tool_name,
        tool_call_id,
        agent(attrs, p),
        as_str(p.get("user")),
        as_str(p.get("session")),
        as_str(p.get("tenant")),
        as_str(p.get("task")),
        error_type,
        error_class,
        http_status,
        _attributes_json(attrs, content_keys),
        _resource_json(span.resource),
        _events_json(span.events),
        orjson.dumps(span.links, option=_SORTED).decode() if span.links else "[]",
        None if content is None else orjson.dumps(content).decode(),
        redaction(attrs, p),
    )


def micros_to_datetime(us: int | None) -> datetime | None:
    return None if us is None else _EPOCH + timedelta(microseconds=us)


def to_record(span: RawSpan, project: str, received_at: datetime) -> dict[str, Any]:
    """The canonical record (keys = `collector.schema.FIELD_NAMES`) of one span."""
    record = dict(zip(ROW_FIELDS, to_row(span, project), strict=True))
    for name in TIME_FIELDS:
        record[name] = micros_to_datetime(record[name])
    record["received_at"] = received_at
    return record
