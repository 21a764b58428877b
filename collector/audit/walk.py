"""Walk the chain records of each project in sequence order (pure: no database).

Shared by `verify` (records read from DuckDB) and mirrored by `tools/verify_export.py`
(records read from an export), so both apply the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from collector.audit.canonical import ALG, ZERO_HASH, record_sha256
from collector.audit.report import Problem

Digests = dict[tuple[str, int], tuple[int, str]]
Batches = dict[int, tuple[Any, ...]]  # batch_id -> (batch_id, project, key_id, count, time_us)


@dataclass(slots=True)
class Walked:
    problems: list[Problem] = field(default_factory=list)
    heads: dict[str, dict[str, Any]] = field(default_factory=dict)
    seq_of: dict[tuple[str, int], int] = field(default_factory=dict)


def walk_chain(
    records: list[dict[str, Any]], digests: Digests, batches: Batches, empty_rows: str
) -> Walked:
    """`records` ordered by (project, seq). Consumes `digests` and `batches`."""
    out = Walked()
    for project, group in groupby(records, key=lambda r: r["project"]):
        chain = list(group)
        prev, expected = ZERO_HASH, 1
        for rec in chain:
            out.seq_of[(project, rec["batch_id"])] = rec["seq"]
            out.problems += _check_link(rec, prev, expected)
            out.problems += _check_rows(
                rec, digests.pop((project, rec["batch_id"]), None), empty_rows
            )
            out.problems += _check_batch(rec, batches.pop(rec["batch_id"], None))
            # Continue from the stored hash so one bad record is reported once, not n times.
            prev, expected = rec["record_sha256"], rec["seq"] + 1
        last = chain[-1]
        out.heads[project] = {"records": len(chain), "head_seq": last["seq"],
                              "head_sha256": last["record_sha256"]}  # fmt: skip
    out.problems += _leftovers(digests, batches)
    return out


def _problem(rec: dict[str, Any], kind: str, detail: str) -> Problem:
    return Problem(rec["project"], rec["batch_id"], kind, detail, seq=rec["seq"])


def _check_link(rec: dict[str, Any], prev: str, expected: int) -> list[Problem]:
    found = []
    if rec["seq"] != expected:
        found.append(_problem(rec, "seq_gap", f"expected seq {expected}, found {rec['seq']}"))
    if rec["prev_sha256"] != prev:
        found.append(_problem(rec, "prev_link_broken", "prev_sha256 is not the previous record"))
    if rec["alg"] != ALG or record_sha256(rec) != rec["record_sha256"]:
        found.append(_problem(rec, "record_altered", "chain record does not match its hash"))
    return found


def _check_rows(
    rec: dict[str, Any], digest: tuple[int, str] | None, empty_rows: str
) -> list[Problem]:
    count, rows = digest or (0, empty_rows)
    if rows == rec["rows_sha256"] and count == rec["span_count"]:
        return []
    detail = (
        f"batch rows hash to {rows[:12]}… ({count} spans), "
        f"chain says {rec['rows_sha256'][:12]}… ({rec['span_count']} spans)"
    )
    return [_problem(rec, "batch_rows_mismatch", detail)]


def _check_batch(rec: dict[str, Any], batch: tuple[Any, ...] | None) -> list[Problem]:
    if batch is None:
        return [_problem(rec, "batch_record_missing", "ingest_batches has no row for it")]
    _, project, key_id, count, time_us = batch
    chained = (rec["project"], rec["key_id"], rec["span_count"], rec["received_at_us"])
    if (project, key_id, count, time_us) != chained:
        return [_problem(rec, "batch_metadata_mismatch", "ingest_batches row differs")]
    return []


def _leftovers(digests: Digests, batches: Batches) -> list[Problem]:
    found = [
        Problem(project, batch_id, "rows_without_chain_record",
                f"{count} indexed span(s) in a batch the chain does not know")
        for (project, batch_id), (count, _) in digests.items()
    ]  # fmt: skip
    found += [
        Problem(b[1], b[0], "batch_not_in_chain", "stored batch has no chain record")
        for b in batches.values()
    ]
    return found
