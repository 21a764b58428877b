"""WHERE clauses for project-scoped listings (events, findings): every read starts with the
caller's project, so no filter combination can reach another project's rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


def scoped_where(
    project: str,
    equals: Mapping[str, Any],
    time_column: str,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[str, list[Any]]:
    """`project = ?`, each equality filter that is set, and `since <= time_column < until`."""
    where, params = ["project = ?"], [project]
    for column, value in equals.items():
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        where.append(f"{time_column} >= ?")
        params.append(since)
    if until is not None:
        where.append(f"{time_column} < ?")
        params.append(until)
    return " AND ".join(where), params
