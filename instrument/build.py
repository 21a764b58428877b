"""Worker side: turn a submitted record into span plans (attributes, content, children).

Everything here runs on the worker thread, never on the caller's. A `Plan` is a span still to
be emitted: its attributes are final except content, which the worker redacts for a whole
batch of plans at once before serializing it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from opentelemetry.trace import SpanKind

from instrument import content as gen_content
from instrument import mapping
from instrument.pricing import cost_usd
from instrument.records import CallRecord, ToolRecord
from instrument.sse import accumulate, iter_jsonl

__all__ = ["Plan", "plan_call", "plan_tool"]


@dataclass
class Plan:
    name: str
    start_ns: int
    end_ns: int
    parent: Any = None
    kind: SpanKind = SpanKind.CLIENT
    attributes: dict[str, Any] = field(default_factory=dict)
    error: str | None = None  # status description when the span failed
    content: dict[str, Any] = field(default_factory=dict)  # attribute -> structure to redact
    children: list[Plan] = field(default_factory=list)
    span: Any = None  # an already started span to end (tool spans)
    tool_key: tuple[str, str] | None = None  # (name, canonical args) to find the call id
    tool_calls: list[tuple[str, str, Any]] = field(default_factory=list)  # (id, name, input)


def plan_call(record: CallRecord, capture: bool) -> Plan:
    builder = {"chat": _chat, "count_tokens": _count_tokens, "batch_create": _batch_create}
    return builder.get(record.op, _batch_results)(record, capture)


def _base(record: CallRecord, operation: str, name: str) -> Plan:
    plan = Plan(name, record.start_ns, record.end_ns or record.start_ns, record.parent)
    plan.attributes["gen_ai.operation.name"] = operation
    plan.attributes.update(mapping.server_attributes(record.base_url))
    response = record.response
    if response is not None:
        plan.attributes["http.response.status_code"] = response.status_code
        if request_id := response.headers.get("request-id"):
            plan.attributes["anthropic.request.id"] = request_id
    _apply_error(plan, record)
    return plan


def _apply_error(plan: Plan, record: CallRecord) -> None:
    final = None
    if record.error is not None and isinstance(record.error, Exception):
        attrs = mapping.error_attributes(record.error)
        plan.attributes.update(attrs)
        plan.error = f"{type(record.error).__name__}: {record.error}"[:300]
        final = attrs.get("http.response.status_code", 0)
    elif record.error is not None:  # cancelled / interrupted by the application: not a failure
        plan.attributes["tracevault.call.cancelled"] = True
    plan.attributes.update(mapping.retry_attributes(record.statuses, final))


def _json_body(response: Any) -> Any:
    try:
        return json.loads(response.content) if response is not None else None
    except Exception:  # an unread or non-JSON body: nothing to map
        return None


def _message_of(record: CallRecord, plan: Plan) -> dict[str, Any] | None:
    if record.chunks is None:
        body = _json_body(record.response)
        return body if isinstance(body, dict) else None
    streamed = accumulate(record.chunks)
    if streamed.first_delta_ns is not None:
        ttft = (streamed.first_delta_ns - record.start_ns) / 1e9
        plan.attributes["gen_ai.response.time_to_first_chunk"] = ttft
    outcome = "completed" if streamed.stopped else record.outcome
    plan.attributes["tracevault.stream.outcome"] = outcome
    if streamed.error is not None:
        plan.attributes.update(mapping.stream_error_attributes(streamed.error))
        plan.error = str(streamed.error.get("message") or streamed.error.get("type"))
    return streamed.message


def _chat(record: CallRecord, capture: bool) -> Plan:
    body = record.body or {}
    model = body.get("model") if isinstance(body.get("model"), str) else "unknown"
    plan = _base(record, "chat", f"chat {model}")
    plan.attributes.update(mapping.request_attributes(body, stream=record.stream))
    message = _message_of(record, plan)
    if message is not None:
        plan.attributes.update(mapping.response_attributes(message))
        plan.tool_calls = _tool_calls(message)
        _apply_cost(plan, message, str(model), batch=False)
    if capture:
        _request_content(plan, body)
        if message is not None and message.get("content") is not None:
            output = gen_content.output_messages(message)
            plan.content["gen_ai.output.messages"] = output
    return plan


def _tool_calls(message: dict[str, Any]) -> list[tuple[str, str, Any]]:
    blocks = [b for b in message.get("content") or () if isinstance(b, dict)]
    return [
        (str(b.get("id")), str(b.get("name")), b.get("input"))
        for b in blocks
        if b.get("type") == "tool_use"
    ]


def _request_content(plan: Plan, body: dict[str, Any]) -> None:
    system = gen_content.system_instructions(body)
    if system:
        plan.content["gen_ai.system_instructions"] = system
    plan.content["gen_ai.input.messages"] = gen_content.input_messages(body)


def _apply_cost(plan: Plan, message: dict[str, Any], model: str, *, batch: bool) -> None:
    usage = message.get("usage")
    if not isinstance(usage, dict):
        return
    priced_as = message.get("model") if isinstance(message.get("model"), str) else model
    cost = cost_usd(priced_as, mapping.usage_of(usage), batch=batch)
    if cost is None:
        plan.attributes["tracevault.cost.unknown_model"] = True
    else:
        plan.attributes["tracevault.cost.usd"] = cost


def _count_tokens(record: CallRecord, capture: bool) -> Plan:
    body = record.body or {}
    model = body.get("model") if isinstance(body.get("model"), str) else "unknown"
    plan = _base(record, "count_tokens", f"count_tokens {model}")
    plan.attributes.update(mapping.request_attributes(body, stream=False))
    counted = _json_body(record.response)
    if isinstance(counted, dict) and isinstance(counted.get("input_tokens"), int):
        plan.attributes["tracevault.count_tokens.input_tokens"] = counted["input_tokens"]
    if capture:
        _request_content(plan, body)
    return plan


def _batch_create(record: CallRecord, capture: bool) -> Plan:
    requests = (record.body or {}).get("requests") or []
    plan = _base(record, "batch", "batch create")
    plan.attributes["gen_ai.provider.name"] = mapping.PROVIDER
    plan.attributes["tracevault.batch.action"] = "create"
    plan.attributes["tracevault.batch.request_count"] = len(requests)
    models = sorted(
        {str((r.get("params") or {}).get("model")) for r in requests if isinstance(r, dict)}
    )
    if models:
        plan.attributes["tracevault.batch.models"] = models
    created = _json_body(record.response)
    if isinstance(created, dict) and isinstance(created.get("id"), str):
        plan.attributes["tracevault.batch.id"] = created["id"]
    return plan


def _batch_results(record: CallRecord, capture: bool) -> Plan:
    """One `batch results` span, and one `chat` child per result at batch prices."""
    url = str((record.body or {}).get("url", ""))
    batch_id = url.partition("/batches/")[2].split("/")[0]
    plan = _base(record, "batch", "batch results")
    plan.attributes.update(
        {
            "gen_ai.provider.name": mapping.PROVIDER,
            "tracevault.batch.action": "results",
            "tracevault.batch.id": batch_id,
        }
    )
    counts: dict[str, int] = {}
    for line in iter_jsonl(record.chunks or ()):
        result = line.get("result") or {}
        kind = str(result.get("type", "unknown"))
        counts[kind] = counts.get(kind, 0) + 1
        plan.children.append(_batch_child(record, plan, line, result, capture))
    plan.attributes["tracevault.batch.result_count"] = sum(counts.values())
    for kind, count in counts.items():
        plan.attributes[f"tracevault.batch.results.{kind}"] = count
    return plan


def _batch_child(
    record: CallRecord, parent: Plan, line: dict[str, Any], result: dict[str, Any], capture: bool
) -> Plan:
    message = result.get("message") if isinstance(result.get("message"), dict) else {}
    model = str(message.get("model", "unknown"))
    child = Plan(f"chat {model}", record.start_ns, record.end_ns)
    child.attributes.update(
        {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "anthropic",
            "gen_ai.request.model": model,
            "tracevault.batch": True,
            "tracevault.batch.id": parent.attributes["tracevault.batch.id"],
            "tracevault.batch.custom_id": str(line.get("custom_id")),
        }
    )
    if message:
        child.attributes.update(mapping.response_attributes(message))
        _apply_cost(child, message, model, batch=True)
        if capture:
            child.content["gen_ai.output.messages"] = gen_content.output_messages(message)
    else:
        error = ((result.get("error") or {}).get("error")) or {"type": result.get("type")}
        child.attributes.update(mapping.stream_error_attributes(error))
        child.error = str(error.get("message") or error.get("type"))
    return child


def plan_tool(record: ToolRecord, name: str, capture: bool) -> Plan:
    plan = Plan(f"execute_tool {name}", 0, record.end_ns, span=record.span)
    if record.call_id:
        plan.attributes["gen_ai.tool.call.id"] = record.call_id
    else:
        plan.tool_key = (name, canonical(record.arguments))
    if record.error is not None:
        plan.attributes.update(
            {"error.type": type(record.error).__name__, "tracevault.error.class": "tool"}
        )
        plan.error = f"{type(record.error).__name__}: {record.error}"[:300]
    if capture:
        if record.arguments is not None:
            plan.content["gen_ai.tool.call.arguments"] = record.arguments
        if record.has_result:
            plan.content["gen_ai.tool.call.result"] = record.result
    return plan


def canonical(value: Any) -> str:
    """A stable text for tool arguments, to match a tool run to the tool_use block it serves."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    except Exception:
        return repr(value)
