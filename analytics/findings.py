"""Findings: what the detector jobs report, stored once per thing found.

Kinds: cost_anomaly, runaway_session, tool_loop, iteration_limit, repeated_request,
invalid_tool_name, invalid_tool_arguments, prompt_injection. Severity: low|medium|high.
`evidence` is a JSON object whose keys depend on the kind (value, baseline, threshold,
top_traces, reasons, excerpt...); every excerpt comes from already-redacted content.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from collector.store import Store
from collector.store.filters import scoped_where

SEVERITIES = ("low", "medium", "high")

_COLUMNS = (
    "finding_id, project, kind, severity, score, trace_id, span_id, subject, evidence, "
    "observed_at, job, created_at, updated_at"
)
_UPSERT = (
    f"INSERT INTO findings ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (finding_id) DO UPDATE SET severity = excluded.severity, "
    "score = excluded.score, evidence = excluded.evidence, updated_at = excluded.updated_at"
)


@dataclass(slots=True)
class Finding:
    project: str
    kind: str
    severity: str
    score: float
    key: str  # what makes this finding unique within (project, kind): signature, hour...
    evidence: dict[str, Any] = field(default_factory=dict)
    trace_id: str | None = None
    span_id: str | None = None
    subject: str | None = None  # e.g. "model=claude-sonnet-4-5" or "session=s-1"
    observed_at: datetime | None = None

    @property
    def finding_id(self) -> str:
        raw = f"{self.project}\0{self.kind}\0{self.key}".encode()
        return self.kind + ":" + hashlib.blake2b(raw, digest_size=12).hexdigest()


def severity_for(score: float) -> str:
    return "high" if score >= 0.8 else "medium" if score >= 0.5 else "low"


def upsert_findings(
    con: duckdb.DuckDBPyConnection, findings: list[Finding], job: str, now: datetime
) -> None:
    """Insert new findings; a finding seen again keeps its id and created_at, new evidence."""
    rows = [
        [f.finding_id, f.project, f.kind, f.severity, float(f.score), f.trace_id, f.span_id,
         f.subject, json.dumps(f.evidence, default=str, sort_keys=True), f.observed_at, job,
         now, now]
        for f in findings
    ]  # fmt: skip
    if rows:
        con.executemany(_UPSERT, rows)


@dataclass(slots=True)
class FindingFilter:
    kind: str | None = None
    severity: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    trace_id: str | None = None
    limit: int = 100


def list_findings(store: Store, project: str, f: FindingFilter) -> list[dict[str, Any]]:
    equals = {"kind": f.kind, "severity": f.severity, "trace_id": f.trace_id}
    when = "coalesce(observed_at, created_at)"
    where, params = scoped_where(project, equals, when, f.since, f.until)
    sql = (
        f"SELECT {_COLUMNS} FROM findings WHERE {where} "
        "ORDER BY coalesce(observed_at, created_at) DESC, finding_id LIMIT ?"
    )
    return [_out(r) for r in store.query(sql, [*params, f.limit])]


def findings_for_trace(store: Store, project: str, trace_id: str) -> list[dict[str, Any]]:
    return list_findings(store, project, FindingFilter(trace_id=trace_id, limit=1000))


def _out(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["evidence"] = json.loads(row["evidence"])
    for key in ("observed_at", "created_at", "updated_at"):
        if isinstance(out[key], datetime):
            out[key] = out[key].isoformat()
    return out


__all__ = ["Finding", "FindingFilter", "findings_for_trace", "list_findings", "upsert_findings"]
