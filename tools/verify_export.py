#!/usr/bin/env python3
"""Verify a tracevault audit export with the Python standard library alone.

    python tools/verify_export.py EXPORT.jsonl [--json]

Exit status 0 when every chain record, link and span checks out, 1 when something does not
(the first broken link is printed first), 2 when the file is not an export. The algorithm is
`tracevault-audit-v1`, described in docs/audit.md; this file is a complete implementation.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from collections import defaultdict
from datetime import datetime, timedelta, timezone

ALG = "tracevault-audit-v1"
ZERO_HASH = "0" * 64
ROW_FIELDS = (
    "project", "trace_id", "span_id", "parent_span_id", "service_name", "name", "kind",
    "start_time", "end_time", "duration_ms", "status", "status_message", "operation",
    "provider", "request_model", "response_model", "input_tokens", "output_tokens",
    "cache_read_tokens", "cache_write_tokens", "cost_usd", "finish_reason", "tool_name",
    "tool_call_id", "agent_name", "user_id", "session_id", "tenant_id", "task_id",
    "error_type", "error_class", "http_status", "resource", "links", "redaction", "received_at",
)  # fmt: skip
FLOATS = {"duration_ms", "cost_usd"}
TIMES = {"start_time", "end_time", "received_at"}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # noqa: UP017 - runs on older Pythons too


def sha256(text):
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def encode(values):
    return ",".join("-" if v is None else f"{len(v.encode())}:{v}" for v in values)


def text_of(name, value):
    if value is None:
        return None
    if name in FLOATS:
        value = float(value)  # "NaN" / "Infinity" arrive as strings
        return "nan" if math.isnan(value) else format(value, ".17g")
    if name in TIMES:
        return str((datetime.fromisoformat(value) - EPOCH) // timedelta(microseconds=1))
    return str(value)


def payload_sha256(row, stored):
    """The digest of content, attributes and events; the stored one once they were dropped."""
    dropped = row["content"] is None and row["attributes"] is None and row["events"] is None
    if dropped and stored is not None:
        return stored  # content dropped by retention: the chain kept its digest
    digests = [sha256(row[f]) for f in ("content", "attributes", "events")]
    return sha256(encode(digests))


EMPTY_PAYLOAD = sha256(encode([None, None, None]))


def row_sha256(row, payload):
    return sha256(encode([text_of(f, row[f]) for f in ROW_FIELDS] + [payload]))


def record_sha256(r):
    values = [r["alg"], r["project"], str(r["seq"]), str(r["batch_id"]), r["key_id"],
              str(r["span_count"]), str(r["received_at_us"]), r["rows_sha256"],
              r["prev_sha256"]]  # fmt: skip
    return sha256(encode(values))


class Export:
    def __init__(self):
        self.header = None
        self.records = []
        self.rows = defaultdict(list)  # (project, batch_id) -> [(trace_id, span_id, hash)]
        self.cutoffs = {}
        self.problems = []

    def problem(self, project, batch_id, seq, kind, detail, spans=()):
        self.problems.append({"project": project, "batch_id": batch_id, "seq": seq,
                              "kind": kind, "detail": detail, "spans": list(spans)})  # fmt: skip

    def read(self, lines):
        for line in lines:
            if line.strip():
                self.take(json.loads(line))
        if not self.header or self.header.get("alg") != ALG:
            raise ValueError(f"not a {ALG} export")

    def take(self, obj):
        kind = obj.pop("type")
        if kind == "header":
            self.header = obj
        elif kind == "retention":
            cutoff = datetime.fromisoformat(obj["cutoff"])
            self.cutoffs[obj["project"]] = max(cutoff, self.cutoffs.get(obj["project"], cutoff))
        elif kind == "record":
            self.records.append(obj)
        elif kind == "span":
            self.take_span(obj)

    def take_span(self, obj):
        row = obj["row"]
        where = (row["project"], obj["batch_id"])
        digest = row_sha256(row, payload_sha256(row, obj.get("payload_sha256")))
        ids = {"trace_id": row["trace_id"], "span_id": row["span_id"]}
        if obj.get("row_sha256") is None:
            self.problem(*where, None, "span_not_in_chain", "span no chain record covers", [ids])
        elif digest != obj["row_sha256"]:
            self.problem(*where, None, "span_altered", "span differs from its digest", [ids])
        elif self.dropped_early(row, obj.get("payload_sha256")):
            self.problem(*where, None, "payload_dropped", "content dropped too early", [ids])
        self.rows[where].append((row["trace_id"], row["span_id"], digest))

    def dropped_early(self, row, stored):
        if any(row[f] is not None for f in ("content", "attributes", "events")):
            return False
        if stored in (None, EMPTY_PAYLOAD):
            return False
        cutoff = self.cutoffs.get(row["project"])
        return cutoff is None or datetime.fromisoformat(row["received_at"]) >= cutoff

    def walk(self):
        by_project = defaultdict(list)
        for r in self.records:
            by_project[r["project"]].append(r)
        first_seq = self.header.get("from_seq") or 1
        for chain in by_project.values():
            chain.sort(key=lambda r: r["seq"])
            prev, expected = None if first_seq > 1 else ZERO_HASH, first_seq
            for r in chain:
                self.check_record(r, prev, expected)
                prev, expected = r["record_sha256"], r["seq"] + 1
        for (project, batch_id), rows in self.rows.items():
            if not any(r["batch_id"] == batch_id for r in by_project.get(project, ())):
                self.problem(project, batch_id, None, "rows_without_chain_record",
                             f"{len(rows)} span(s) in a batch no record covers")  # fmt: skip

    def check_record(self, r, prev, expected):
        at = (r["project"], r["batch_id"], r["seq"])
        if r["seq"] != expected:
            self.problem(*at, "seq_gap", f"expected seq {expected}, found {r['seq']}")
        if prev is not None and r["prev_sha256"] != prev:
            self.problem(*at, "prev_link_broken", "prev_sha256 is not the previous record")
        if r["alg"] != ALG or record_sha256(r) != r["record_sha256"]:
            self.problem(*at, "record_altered", "chain record does not match its hash")
        rows = sorted(self.rows.get((r["project"], r["batch_id"]), []))
        digest = sha256(",".join(h for _, _, h in rows))
        if digest != r["rows_sha256"] or len(rows) != r["span_count"]:
            detail = (f"{len(rows)} span(s) hash to {digest[:12]}..., chain says "
                      f"{r['span_count']} span(s), {r['rows_sha256'][:12]}...")  # fmt: skip
            self.problem(*at, "batch_rows_mismatch", detail)

    def report(self):
        seq_of = {(r["project"], r["batch_id"]): r["seq"] for r in self.records}
        for p in self.problems:
            p["seq"] = p["seq"] or seq_of.get((p["project"], p["batch_id"]))
        self.problems.sort(key=lambda p: (p["project"], p["batch_id"]))
        heads = {}
        for r in sorted(self.records, key=lambda r: r["seq"]):
            heads[r["project"]] = {"head_seq": r["seq"], "head_sha256": r["record_sha256"]}
        return {"ok": not self.problems, "records": len(self.records),
                "spans": sum(len(v) for v in self.rows.values()), "heads": heads,
                "first_break": self.problems[0] if self.problems else None,
                "problems": self.problems}  # fmt: skip


def verify_lines(lines):
    export = Export()
    export.read(lines)
    export.walk()
    return export.report()


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as f:
            result = verify_lines(f)
    except (OSError, ValueError, KeyError) as exc:
        print(f"verify_export: {exc}", file=sys.stderr)
        return 2
    if "--json" in argv:
        print(json.dumps(result, indent=2))
    elif result["ok"]:
        print(f"OK: {result['records']} records, {result['spans']} spans verified")
        for project, head in sorted(result["heads"].items()):
            print(f"  head of {project!r}: seq {head['head_seq']} {head['head_sha256']}")
    else:
        print(f"BROKEN: {len(result['problems'])} problem(s); the first broken link first")
        for p in result["problems"]:
            spans = ", ".join(f"{s['trace_id']}/{s['span_id']}" for s in p["spans"])
            print(f"  project {p['project']!r} batch {p['batch_id']} seq {p['seq']}: "
                  f"{p['kind']}: {p['detail']} {spans}".rstrip())  # fmt: skip
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
