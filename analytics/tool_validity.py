"""Tool-call validity: a tool_use the model emitted that the request did not allow.

- invalid_tool_name: the called tool was not among the tools offered in that request.
- invalid_tool_arguments: the arguments fail the offered tool's input schema (validated with
  `jsonschema`, the schema's own draft, format checks off since content is redacted).

Offered tools are read from the chat span's `gen_ai.tool.definitions` (OTel GenAI: a JSON
array of {name, parameters|input_schema}) or a names-only list (`tracevault.request.tools`,
written by our instrument, which does not record schemas); a span that records neither is
skipped, since nothing says what was allowed. With names only, only names are checked.
Tool calls come from the output messages, or, when content was not captured, from
`tracevault.response.tool_call.names` / `.ids`.
"""

from __future__ import annotations

import json
from typing import Any

from jsonschema import exceptions as schema_exceptions
from jsonschema import validators

from analytics.content import ToolCall, canonical, loads, messages, offered_tools, tool_calls
from analytics.findings import Finding
from analytics.scheduler import JobContext, JobOutcome, JobSpec

_SQL = """
SELECT project, trace_id, span_id, start_time, attributes,
  json_extract_string(content, '$.output_messages') AS output_messages
FROM spans WHERE {new} AND operation = 'chat'
  AND (json_extract_string(content, '$.output_messages') LIKE '%"tool_%'
       OR attributes LIKE '%"tracevault.response.tool_call.names"%')
"""
MAX_ERRORS = 5


class SchemaCache:
    """Compiled validators by schema text: an agent offers the same tools on every call."""

    def __init__(self) -> None:
        self._validators: dict[str, Any] = {}

    def errors(self, schema: dict[str, Any], arguments: Any) -> list[str]:
        key = canonical(schema)
        validator = self._validators.get(key)
        if validator is None:
            try:
                cls = validators.validator_for(schema)
                cls.check_schema(schema)
                validator = cls(schema)
            except schema_exceptions.SchemaError:
                validator = False  # a broken offered schema is not the model's fault
            self._validators[key] = validator
        if validator is False:
            return []
        found = sorted(validator.iter_errors(arguments), key=lambda e: list(e.absolute_path))
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                for e in found[:MAX_ERRORS]]  # fmt: skip


def check_call(
    row: dict[str, Any], call: ToolCall, offered: dict[str, Any], cache: SchemaCache
) -> Finding | None:
    subject = f"tool={call.name}"
    key = f"{row['trace_id']}\0{row['span_id']}\0{call.call_id or call.name}"
    base = {"tool": call.name, "tool_call_id": call.call_id, "offered": sorted(offered)}
    if call.name not in offered:
        return Finding(row["project"], "invalid_tool_name", "high", 1.0, key, base,
                       row["trace_id"], row["span_id"], subject, row["start_time"])  # fmt: skip
    schema = offered[call.name]
    if schema is None or call.arguments is None:  # None: arguments not captured
        return None
    errors = cache.errors(schema, call.arguments)
    if not errors:
        return None
    evidence = {**base, "errors": errors, "arguments": canonical(call.arguments)[:300]}
    return Finding(row["project"], "invalid_tool_arguments", "medium", 0.8, key, evidence,
                   row["trace_id"], row["span_id"], subject, row["start_time"])  # fmt: skip


def check_span(row: dict[str, Any], cache: SchemaCache) -> list[Finding]:
    attributes = json.loads(row["attributes"] or "{}")
    offered = offered_tools(attributes)
    if offered is None:
        return []
    outputs = messages({"o": loads(row["output_messages"])}, "o")
    calls = list(tool_calls(outputs)) or _calls_from_attributes(attributes)
    found = (check_call(row, call, offered, cache) for call in calls)
    return [f for f in found if f is not None]


def _calls_from_attributes(attributes: dict[str, Any]) -> list[ToolCall]:
    names = loads(attributes.get("tracevault.response.tool_call.names")) or []
    ids = loads(attributes.get("tracevault.response.tool_call.ids")) or []
    ids = ids if isinstance(ids, list) and len(ids) == len(names) else [None] * len(names)
    return [ToolCall(str(n), None, i) for n, i in zip(names, ids, strict=True)]


def run_tool_validity(ctx: JobContext) -> JobOutcome:
    where, params = ctx.new_spans()
    rows = ctx.store.query(_SQL.format(new=where), params)
    cache = SchemaCache()
    findings = [f for row in rows for f in check_span(row, cache)]
    return JobOutcome(rows_read=len(rows), findings=findings)


JOB = JobSpec("tool_validity", run_tool_validity)
