"""Loops and runaways within a trace.

- tool_loop: the same tool called with canonically equal arguments `loop_min_repeats` (3)
  or more times in one trace (arguments compared after parsing, key order ignored).
- iteration_limit: more than `loop_max_iterations` (25) model calls in one task (the task id
  when the emitter sets one, else the trace).
- repeated_request: the same model request (model, system prompt and messages) sent
  `loop_min_repeats` or more times in one trace.

Each tick re-reads the traces that received new spans, within `job_trace_window_s` before the
oldest new span (start_time prunes row groups), so a loop whose calls arrive over several
ticks is still seen whole; finding ids are per trace and signature, so it is reported once
and its count updated.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import timedelta
from typing import Any

from analytics.content import canonical
from analytics.findings import Finding
from analytics.scheduler import JobContext, JobOutcome, JobSpec

_TRACE_SPANS = """
SELECT project, trace_id, span_id, operation, tool_name, coalesce(task_id, '') AS task,
  CASE WHEN operation = 'execute_tool' THEN coalesce(
    json_extract_string(content, '$.tool_arguments'),
    json_extract_string(attributes, '$."gen_ai.tool.call.arguments"')) END AS args,
  CASE WHEN operation = 'chat' AND json_extract_string(content, '$.input_messages') IS NOT NULL
    THEN md5(coalesce(request_model, '') || chr(0) || coalesce(json_extract_string(content,
      '$.system'), '') || chr(0) || json_extract_string(content, '$.input_messages')) END AS req
FROM spans
WHERE start_time >= ? AND batch_id <= ? AND operation IN ('chat', 'execute_tool')
  AND (project, trace_id) IN (SELECT DISTINCT project, trace_id FROM spans WHERE {new})
ORDER BY start_time, span_id
"""


def read_trace_spans(ctx: JobContext) -> list[dict[str, Any]]:
    """Spans of every trace that received spans this tick (bounded by the trace window)."""
    where, params = ctx.new_spans()
    oldest = ctx.store.query(f"SELECT min(start_time) AS t FROM spans WHERE {where}", params)
    if oldest[0]["t"] is None:
        return []
    since = oldest[0]["t"] - timedelta(seconds=ctx.settings.job_trace_window_s)
    assert ctx.batches is not None
    sql = _TRACE_SPANS.format(new=where)
    return ctx.store.query(sql, [since, ctx.batches.hi, *params])


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _severity(count: int, threshold: int) -> tuple[str, float]:
    score = min(1.0, count / (2 * threshold))
    return ("high" if count >= 2 * threshold else "medium"), round(score, 4)


def tool_loops(spans: list[dict[str, Any]], min_repeats: int) -> list[Finding]:
    groups: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for s in spans:
        if s["operation"] == "execute_tool" and s["args"] is not None and s["tool_name"]:
            key = (s["project"], s["trace_id"], s["tool_name"], canonical(s["args"]))
            groups[key].append(s["span_id"])
    findings = []
    for (project, trace, tool, args), span_ids in groups.items():
        if len(span_ids) >= min_repeats:
            severity, score = _severity(len(span_ids), min_repeats)
            evidence = {"tool": tool, "arguments": args[:300], "value": len(span_ids),
                        "threshold": min_repeats, "span_ids": span_ids[:20]}  # fmt: skip
            findings.append(Finding(project, "tool_loop", severity, score,
                                    f"{trace}\0{tool}\0{_digest(args)}", evidence, trace,
                                    span_ids[0], f"tool={tool}"))  # fmt: skip
    return findings


def iteration_limits(spans: list[dict[str, Any]], max_iterations: int) -> list[Finding]:
    calls: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for s in spans:
        if s["operation"] == "chat":
            calls[(s["project"], s["trace_id"], s["task"])].append(s["span_id"])
    findings = []
    for (project, trace, task), span_ids in calls.items():
        if len(span_ids) > max_iterations:
            severity, score = _severity(len(span_ids), max_iterations)
            evidence = {"value": len(span_ids), "threshold": max_iterations,
                        "task_id": task or None}  # fmt: skip
            findings.append(Finding(project, "iteration_limit", severity, score,
                                    f"{trace}\0{task}", evidence, trace, span_ids[-1]))  # fmt: skip
    return findings


def repeated_requests(spans: list[dict[str, Any]], min_repeats: int) -> list[Finding]:
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for s in spans:
        if s["operation"] == "chat" and s["req"]:
            groups[(s["project"], s["trace_id"], s["req"])].append(s["span_id"])
    findings = []
    for (project, trace, req), span_ids in groups.items():
        if len(span_ids) >= min_repeats:
            severity, score = _severity(len(span_ids), min_repeats)
            evidence = {"value": len(span_ids), "threshold": min_repeats, "request_md5": req,
                        "span_ids": span_ids[:20]}  # fmt: skip
            findings.append(Finding(project, "repeated_request", severity, score,
                                    f"{trace}\0{req}", evidence, trace, span_ids[0]))  # fmt: skip
    return findings


def run_loops(ctx: JobContext) -> JobOutcome:
    spans = read_trace_spans(ctx)
    s = ctx.settings
    findings = (tool_loops(spans, s.loop_min_repeats)
                + iteration_limits(spans, s.loop_max_iterations)
                + repeated_requests(spans, s.loop_min_repeats))  # fmt: skip
    return JobOutcome(rows_read=len(spans), findings=findings)


JOB = JobSpec("loops", run_loops)
