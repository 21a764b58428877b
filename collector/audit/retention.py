"""Retention: drop span payloads (content, attributes, events) older than N days per project.

The chain covers payloads through `payload_sha256`, kept in `audit_spans`, so the chain still
verifies after the payload is gone. Each run that drops something records its cutoff in
`audit_retention_runs`; verify treats a payload missing from a span newer than every cutoff
as tampering, not retention.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from collector.errors import BadRequestError
from collector.store.base import Store

DEFAULT_DAYS = 30
_HAS_PAYLOAD = "NOT (content IS NULL AND attributes IS NULL AND events IS NULL)"


def run_retention(store: Store, now: datetime, default_days: int = DEFAULT_DAYS) -> dict[str, Any]:
    """Apply every project's retention as of `now` in one writer transaction."""
    return store.write(lambda con: apply_retention(con, now, default_days)).result()


def audit_retention_job(runtime: Any) -> dict[str, Any]:
    """The scheduled job: retention as of the current time with the settings' default."""
    return run_retention(runtime.store, datetime.now(UTC), runtime.settings.audit_retention_days)


def apply_retention(
    con: duckdb.DuckDBPyConnection, now: datetime, default_days: int
) -> dict[str, Any]:
    dropped: dict[str, int] = {}
    for project, (days, cutoff) in cutoffs(con, now, default_days).items():
        row = con.execute(
            "UPDATE spans SET content = NULL, attributes = NULL, events = NULL "
            f"WHERE project = ? AND received_at < ? AND {_HAS_PAYLOAD}",
            [project, cutoff],
        ).fetchone()
        count = int(row[0]) if row else 0
        if count:
            con.execute(
                "INSERT INTO audit_retention_runs VALUES (?, ?, ?, ?, ?)",
                [now, project, days, cutoff, count],
            )
            dropped[project] = count
    return {"as_of": now.isoformat(), "spans_dropped": dropped, "total": sum(dropped.values())}


def count_due(con: duckdb.DuckDBPyConnection, now: datetime, default_days: int) -> int:
    """Spans whose payload the next run would drop (read-only)."""
    total = 0
    for project, (_, cutoff) in cutoffs(con, now, default_days).items():
        row = con.execute(
            f"SELECT count(*) FROM spans WHERE project = ? AND received_at < ? AND {_HAS_PAYLOAD}",
            [project, cutoff],
        ).fetchone()
        total += int(row[0]) if row else 0
    return total


def cutoffs(
    con: duckdb.DuckDBPyConnection, now: datetime, default_days: int
) -> dict[str, tuple[int, datetime]]:
    """(days, cutoff) per project with chained data: its own setting, else the default;
    projects kept forever (0 days) are left out."""
    rows = con.execute(
        "SELECT c.project, coalesce(p.days, ?) FROM (SELECT DISTINCT project FROM audit_chain) c "
        "LEFT JOIN audit_retention_policy p USING (project) ORDER BY c.project",
        [default_days],
    ).fetchall()
    return {p: (int(d), now - timedelta(days=int(d))) for p, d in rows if int(d) > 0}


def set_policy(store: Store, project: str, days: int) -> dict[str, Any]:
    if days < 0 or days > 36_500:
        raise BadRequestError("days must be between 0 (keep forever) and 36500")
    now = datetime.now(UTC)
    store.write(
        lambda con: con.execute(
            "INSERT OR REPLACE INTO audit_retention_policy VALUES (?, ?, ?)", [project, days, now]
        )
    ).result()
    return {"project": project, "days": days, "source": "project"}


def get_policy(store: Store, project: str, default_days: int) -> dict[str, Any]:
    rows = store.query("SELECT days FROM audit_retention_policy WHERE project = ?", [project])
    if rows:
        return {"project": project, "days": rows[0]["days"], "source": "project"}
    return {"project": project, "days": default_days, "source": "default"}
