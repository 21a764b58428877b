"""Numbered schema migrations, recorded in `schema_migrations` and applied on open.

Each feature module defines its own migration function; MIGRATIONS maps its version number to
it. Add a new number for every change; never edit a migration that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import duckdb

from collector.schema import CANONICAL_FIELDS

Migration = Callable[[duckdb.DuckDBPyConnection], None]

_SQL_TYPES = {
    "string": "VARCHAR",
    "double": "DOUBLE",
    "int64": "BIGINT",
    "int32": "INTEGER",
    "timestamp[us, tz=UTC]": "TIMESTAMPTZ",
}


def _span_columns_sql() -> str:
    return ",\n    ".join(f"{name} {_SQL_TYPES[str(typ)]}" for name, typ in CANONICAL_FIELDS)


def m001_core(con: duckdb.DuckDBPyConnection) -> None:
    # span_key is a 128-bit hash of (project, trace_id, span_id): a single-column primary key
    # keeps idempotent inserts ~2.5x faster than a composite string key (measured).
    con.execute(
        f"""CREATE TABLE spans (
    span_key UHUGEINT PRIMARY KEY,
    batch_id BIGINT NOT NULL,
    {_span_columns_sql()}
)"""
    )
    con.execute(
        """CREATE TABLE ingest_batches (
    batch_id BIGINT PRIMARY KEY,
    project VARCHAR NOT NULL,
    key_id VARCHAR,
    span_count INTEGER NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
)"""
    )
    con.execute(
        """CREATE TABLE api_keys (
    key_id VARCHAR PRIMARY KEY,
    project VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    name VARCHAR,
    key_hash VARCHAR NOT NULL UNIQUE,
    prefix VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
)"""
    )


def _registry() -> dict[int, Migration]:
    # Imported here so feature modules may import the store without an import cycle.
    from analytics.alerts.tables import m004_alerts, m006_alert_replay
    from analytics.rollups import m005_rollup_grains
    from analytics.tables import m003_analytics, m007_job_rows_pruned
    from collector.audit.chain import m002_audit

    return {
        1: m001_core,
        2: m002_audit,
        3: m003_analytics,
        4: m004_alerts,
        5: m005_rollup_grains,
        6: m006_alert_replay,
        7: m007_job_rows_pruned,
    }


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration not yet recorded; returns the versions applied now."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, migration in sorted(_registry().items()):
        if version in done:
            continue
        con.execute("BEGIN")
        try:
            migration(con)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [version, migration.__name__, datetime.now(UTC)],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
