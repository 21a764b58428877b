"""Tables owned by the analytics jobs, created by migration 3.

- `job_runs`: one row per run of a job (scheduled or on demand), with its outcome.
- `job_watermarks`: per incremental job, the last ingest batch it has consumed. Batch ids are
  assigned by the single writer in commit order without gaps, so "batch_id > watermark" is
  exactly "not seen yet", however late a span's own start_time is.
- `findings`: what the detectors found; `finding_id` is derived from what was found (kind,
  trace, signature...), so running a job again updates a finding instead of duplicating it.
- `rollup_stats` / `rollup_latency`: see `analytics.rollups`.
- `session_totals`: running cost and call count per session, for the runaway-session rule.

Migration 7 adds `job_runs.rows_pruned`: rows a retention job deleted or emptied, which
earlier runs counted in `rows_read`.
"""

from __future__ import annotations

import duckdb

_TABLES = (
    """CREATE TABLE job_runs (
    run_id BIGINT PRIMARY KEY,
    job VARCHAR NOT NULL,
    trigger VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    duration_ms DOUBLE NOT NULL,
    status VARCHAR NOT NULL,
    rows_read BIGINT NOT NULL,
    findings INTEGER NOT NULL,
    batch_lo BIGINT,
    batch_hi BIGINT,
    error VARCHAR
)""",
    """CREATE TABLE job_watermarks (
    job VARCHAR PRIMARY KEY,
    batch_id BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
)""",
    """CREATE TABLE findings (
    finding_id VARCHAR PRIMARY KEY,
    project VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    trace_id VARCHAR,
    span_id VARCHAR,
    subject VARCHAR,
    evidence VARCHAR NOT NULL,
    observed_at TIMESTAMPTZ,
    job VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
)""",
    "CREATE INDEX findings_trace ON findings (project, trace_id)",
    """CREATE TABLE rollup_stats (
    grain VARCHAR NOT NULL,
    bucket TIMESTAMPTZ NOT NULL,
    project VARCHAR NOT NULL,
    dim VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    spans BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    errors_transient BIGINT NOT NULL,
    errors_permanent BIGINT NOT NULL,
    errors_tool BIGINT NOT NULL,
    errors_other BIGINT NOT NULL,
    model_calls BIGINT NOT NULL,
    model_errors BIGINT NOT NULL,
    root_spans BIGINT NOT NULL,
    root_errors BIGINT NOT NULL,
    input_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    cache_read_tokens BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL,
    cost_usd DOUBLE NOT NULL,
    PRIMARY KEY (grain, bucket, project, dim, value)
)""",
    """CREATE TABLE rollup_latency (
    grain VARCHAR NOT NULL,
    bucket TIMESTAMPTZ NOT NULL,
    project VARCHAR NOT NULL,
    dim VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    bin SMALLINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (grain, bucket, project, dim, value, bin)
)""",
    """CREATE TABLE session_totals (
    project VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    cost_usd DOUBLE NOT NULL,
    model_calls BIGINT NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (project, session_id)
)""",
)


def m003_analytics(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in _TABLES:
        con.execute(ddl)


def m007_job_rows_pruned(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("ALTER TABLE job_runs ADD COLUMN rows_pruned BIGINT NOT NULL DEFAULT 0")
