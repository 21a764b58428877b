"""The injection job: scores user input, tool results and fetched content of new spans with
`analytics.injection.score_text` and reports `prompt_injection` findings.

Texts scanned (all from the already-redacted `content` column):
- user messages of chat requests (source "user");
- tool results the model was shown (`tool_call_response` parts, source "tool_result"), and
  web-fetch results (`server_tool_call_response`, source "fetched") - the indirect path;
- the result of execute_tool spans (source "fetched" for fetch/browse tools).

Agents resend the whole conversation on every call, so the same text comes back again and
again: scores are cached by text digest, and a finding is keyed by (trace, text), so one
injected document gives one finding per trace, on the first span it was seen in.
`score_text` joins the rules with the shipped learned model (TRACEVAULT_INJECTION_MODEL=off
turns it off); extra scorers plug in through TRACEVAULT_INJECTION_SCORERS. This job does not
change either way.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from analytics.content import loads, messages, tool_responses, user_texts
from analytics.findings import Finding, severity_for
from analytics.injection import InjectionResult, score_text
from analytics.scheduler import JobContext, JobOutcome, JobSpec

_SQL = """
SELECT project, trace_id, span_id, operation, tool_name, start_time, content
FROM spans WHERE {new} AND content IS NOT NULL AND operation IN ('chat', 'execute_tool')
ORDER BY start_time, span_id
"""
_FETCH_TOOLS = ("fetch", "browse", "http", "web", "url", "scrape", "crawl", "read_page")
CACHE_SIZE = 50_000


class ScoreCache:
    """LRU of results by text digest, shared by the ticks of one process."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._items: OrderedDict[tuple[str, str], InjectionResult] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def score(self, digest: str, text: str, source: str) -> InjectionResult:
        key = (digest, source)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        result = score_text(text, source=source)
        with self._lock:
            self._items[key] = result
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return result


_CACHE = ScoreCache()


def texts_of(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(source, text) pairs of one span worth scanning."""
    content = loads(row["content"]) or {}
    if row["operation"] == "execute_tool":
        result = content.get("tool_result")
        if result is not None:
            text = result if isinstance(result, str) else json.dumps(result, ensure_ascii=False)
            tool = (row["tool_name"] or "").lower()
            yield ("fetched" if any(t in tool for t in _FETCH_TOOLS) else "tool_result", text)
        return
    inputs = messages(content, "input_messages")
    for text in user_texts(inputs):
        yield "user", text
    yield from tool_responses(inputs)


def scan(rows: list[dict[str, Any]], threshold: float, cache: ScoreCache) -> list[Finding]:
    found: dict[str, Finding] = {}
    for row in rows:
        for source, text in texts_of(row):
            digest = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
            result = cache.score(digest, text, source)
            if result.score < threshold:
                continue
            finding = Finding(row["project"], "prompt_injection", severity_for(result.score),
                              result.score, f"{row['trace_id']}\0{digest}",
                              {"source": source, "reasons": result.reasons,
                               "excerpt": result.excerpt, "text_digest": digest,
                               "value": result.score, "threshold": threshold},
                              row["trace_id"], row["span_id"], f"source={source}",
                              row["start_time"])  # fmt: skip
            found.setdefault(finding.finding_id, finding)
    return list(found.values())


def run_injection(ctx: JobContext) -> JobOutcome:
    where, params = ctx.new_spans()
    rows = ctx.store.query(_SQL.format(new=where), params)
    return JobOutcome(len(rows), scan(rows, ctx.settings.injection_threshold, _CACHE))


JOB = JobSpec("injection", run_injection)
