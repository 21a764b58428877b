"""What verify found: problems named by project, batch and spans, in chain order."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_PROBLEMS = 100

# Within one batch, the most specific finding first: a bad span explains a bad digest.
_KIND_ORDER = {
    kind: i
    for i, kind in enumerate(
        (
            "span_altered", "span_missing", "span_not_in_chain", "span_moved", "payload_dropped",
            "batch_rows_mismatch", "record_altered", "prev_link_broken", "seq_gap",
            "batch_metadata_mismatch", "batch_record_missing", "batch_not_in_chain",
            "rows_without_chain_record",
        )
    )
}  # fmt: skip


@dataclass(slots=True)
class Problem:
    project: str
    batch_id: int | None
    kind: str
    detail: str
    seq: int | None = None
    span_count: int = 0
    spans: list[dict[str, str]] = field(default_factory=list)

    def sort_key(self) -> tuple[str, int, int]:
        batch = self.batch_id if self.batch_id is not None else 2**62
        return self.project, batch, _KIND_ORDER.get(self.kind, 99)


@dataclass(slots=True)
class VerifyReport:
    projects: dict[str, dict[str, Any]]
    spans_checked: int = 0
    spans_without_payload: int = 0
    batches_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def first_break(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def add(self, problems: list[Problem], seq_of: dict[tuple[str, int], int]) -> None:
        for problem in problems:
            if problem.seq is None and problem.batch_id is not None:
                problem.seq = seq_of.get((problem.project, problem.batch_id))
        ordered = sorted(self.problems + problems, key=Problem.sort_key)
        self.problem_count += len(problems)
        self.problems = ordered[:MAX_PROBLEMS]

    def to_dict(self) -> dict[str, Any]:
        first = self.first_break
        return {
            "ok": self.ok,
            "first_break": asdict(first) if first else None,
            "problem_count": self.problem_count,
            "problems": [asdict(p) for p in self.problems],
            "projects": self.projects,
            "spans_checked": self.spans_checked,
            "spans_without_payload": self.spans_without_payload,
            "batches_checked": self.batches_checked,
        }

    def summary(self) -> str:
        """One line per problem, for the CLI."""
        if self.ok:
            return (
                f"OK: {self.batches_checked} batches, {self.spans_checked} spans, "
                f"{len(self.projects)} project(s) verified"
            )
        lines = [f"BROKEN: {self.problem_count} problem(s); first broken link:"]
        for p in self.problems:
            spans = ", ".join(f"{s['trace_id']}/{s['span_id']}" for s in p.spans[:5])
            more = f" (+{p.span_count - 5} more)" if p.span_count > 5 else ""
            where = f"project {p.project!r} batch {p.batch_id} seq {p.seq}"
            lines.append(
                f"  {where}: {p.kind}: {p.detail}" + (f" [{spans}{more}]" if spans else "")
            )
        return "\n".join(lines)
