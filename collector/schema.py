"""The canonical span record: one row per span, whatever convention the emitter used.

Field names are the REST API's field names too. `normalize.to_record` produces dicts with
exactly these keys; the store turns lists of them into Arrow tables with these types.
"""

from __future__ import annotations

import pyarrow as pa

# (name, arrow type). JSON-valued fields are stored as JSON text.
CANONICAL_FIELDS: tuple[tuple[str, pa.DataType], ...] = (
    ("project", pa.string()),
    ("trace_id", pa.string()),  # 32 lowercase hex chars
    ("span_id", pa.string()),  # 16 lowercase hex chars
    ("parent_span_id", pa.string()),  # None for a root span
    ("service_name", pa.string()),
    ("name", pa.string()),
    ("kind", pa.string()),  # internal|server|client|producer|consumer|unspecified
    ("start_time", pa.timestamp("us", tz="UTC")),
    ("end_time", pa.timestamp("us", tz="UTC")),
    ("duration_ms", pa.float64()),
    ("status", pa.string()),  # ok|error|unset
    ("status_message", pa.string()),
    ("operation", pa.string()),  # chat|execute_tool|invoke_agent|count_tokens|batch|...
    ("provider", pa.string()),  # lowercase, e.g. "anthropic"
    ("request_model", pa.string()),
    ("response_model", pa.string()),
    ("input_tokens", pa.int64()),  # inclusive of cache read and cache write
    ("output_tokens", pa.int64()),
    ("cache_read_tokens", pa.int64()),
    ("cache_write_tokens", pa.int64()),
    ("cost_usd", pa.float64()),
    ("finish_reason", pa.string()),
    ("tool_name", pa.string()),
    ("tool_call_id", pa.string()),
    ("agent_name", pa.string()),
    ("user_id", pa.string()),
    ("session_id", pa.string()),
    ("tenant_id", pa.string()),
    ("task_id", pa.string()),
    ("error_type", pa.string()),
    ("error_class", pa.string()),  # transient|permanent|tool
    ("http_status", pa.int32()),
    ("attributes", pa.string()),  # JSON object: every raw span attribute (content redacted)
    ("resource", pa.string()),  # JSON object: resource attributes
    ("events", pa.string()),  # JSON array of {name, time, attributes}
    ("links", pa.string()),  # JSON array of {trace_id, span_id, attributes}
    ("content", pa.string()),  # JSON object: {system, input_messages, output_messages,
    #                            tool_arguments, tool_result}, all redacted; None if not captured
    ("redaction", pa.string()),  # JSON object: {by, entities: {TYPE: count}, content_dropped}
    ("received_at", pa.timestamp("us", tz="UTC")),
)

FIELD_NAMES: tuple[str, ...] = tuple(name for name, _ in CANONICAL_FIELDS)
ARROW_SCHEMA = pa.schema(list(CANONICAL_FIELDS))
JSON_FIELDS = frozenset({"attributes", "resource", "events", "links", "content", "redaction"})
