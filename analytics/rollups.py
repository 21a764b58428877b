"""Rollups by minute, hour and day: the job that keeps them, and the SQL both it and the
metrics API share.

Dimensions (one row per bucket per dimension value, plus dim "all" for the project total):
service, agent, model (response model, else request model), tool, operation, user, tenant,
error_class. A missing value is stored as "" (primary keys cannot hold NULL). User and tenant
are kept per hour and day only (per minute they would be about one row per span).

Measures: spans; errors, and errors by class (transient, permanent, tool, other); model calls
(operation chat) and their errors, whose ratio is the model-call success rate; root spans
and their errors, whose ratio is the task success rate (a root span is the agent's task);
input/output/cache-read/cache-write tokens and cost over usage spans (not agent spans, which
may repeat their children's usage); and a latency histogram of model calls.

Why percentiles stay correct when buckets are merged: a percentile of a union cannot be
computed from the percentiles of its parts, but a histogram of a union is the sum of the
parts' histograms. Each model-call duration d falls in bin i = ceil(log_g(d)) with g = 1.02
(a fixed log scale, as in DDSketch), stored as (bin, count) rows in `rollup_latency`. Minutes,
hours, days, dimension values and late spans all merge by adding counts, so p50/p95/p99 of
any merge are exact on the bins: the nearest-rank percentile's bin is found from cumulative
counts and reported as 2*g^i/(g+1), within (g-1)/(g+1) < 1% of the true nearest-rank value,
whatever was merged. Tokens, counts and cost are plain sums, so they are exact.

Incremental: each tick aggregates only its new batches (see `analytics.watermark`) into
deltas, and adds them to the stored rows (INSERT ... ON CONFLICT DO UPDATE SET x = x + new).
Late spans (within the lateness setting) simply add to the older buckets they belong to.

Storage: one table per kind, grain and dimension (`rollup_stats_minute_all`,
`rollup_latency_day_model`, ...); the old names `rollup_stats` / `rollup_latency` are views
over them all, with a `grain` column. Rows are appended in time order as the ticks go by, so a
read of one dimension and grain over a window skips, by DuckDB's per-row-group min/max of
`bucket`, everything outside the window, and reads no other dimension's rows. In one shared
table it also scanned the far more numerous minute rows of the same days and every other
dimension's (measured at 10M spans: a 30-day summary scanned ~60M rows; thousands of users per
day outnumber the other dimensions' rows together).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from analytics.scheduler import JobContext, JobOutcome, JobSpec

GAMMA = 1.02
MIN_MS = 0.001
DIMENSIONS: dict[str, str] = {
    "service": "service_name",
    "agent": "agent_name",
    "model": "coalesce(response_model, request_model)",
    "tool": "tool_name",
    "operation": "operation",
    "user": "user_id",
    "tenant": "tenant_id",
    "error_class": "error_class",
}
GRAINS: dict[str, int] = {"minute": 1, "hour": 60, "day": 1440}  # length in minutes
# High-cardinality dimensions are not kept per minute: nearly every span would be its own row.
HOURLY_ONLY = ("user", "tenant")
_KEEP = f"NOT (grain = 'minute' AND dim IN {HOURLY_ONLY})"
_AGENT_OPS = "('invoke_agent', 'create_agent', 'invoke_workflow')"
_USAGE = f"coalesce(operation, '') NOT IN {_AGENT_OPS}"
_ERR = "status = 'error'"

_ERR_AND = "coalesce(status = 'error', false) AND "
# Per-span values of each measure; a rollup row is their sum.
MEASURES: dict[str, str] = {
    "spans": "1",
    "errors": "coalesce(status = 'error', false)::INT",
    "errors_transient": f"({_ERR_AND}coalesce(error_class = 'transient', false))::INT",
    "errors_permanent": f"({_ERR_AND}coalesce(error_class = 'permanent', false))::INT",
    "errors_tool": f"({_ERR_AND}coalesce(error_class = 'tool', false))::INT",
    "errors_other": f"({_ERR_AND}coalesce(error_class, '') NOT IN "
    "('transient', 'permanent', 'tool'))::INT",
    "model_calls": "coalesce(operation = 'chat', false)::INT",
    "model_errors": f"({_ERR_AND}coalesce(operation = 'chat', false))::INT",
    "root_spans": "(parent_span_id IS NULL)::INT",
    "root_errors": f"({_ERR_AND}parent_span_id IS NULL)::INT",
    "input_tokens": f"CASE WHEN {_USAGE} THEN coalesce(input_tokens, 0) ELSE 0 END",
    "output_tokens": f"CASE WHEN {_USAGE} THEN coalesce(output_tokens, 0) ELSE 0 END",
    "cache_read_tokens": f"CASE WHEN {_USAGE} THEN coalesce(cache_read_tokens, 0) ELSE 0 END",
    "cache_write_tokens": f"CASE WHEN {_USAGE} THEN coalesce(cache_write_tokens, 0) ELSE 0 END",
    "cost_usd": f"CASE WHEN {_USAGE} THEN coalesce(cost_usd, 0) ELSE 0 END",
}
COST_SUM = f"coalesce(sum(cost_usd) FILTER (WHERE {_USAGE}), 0)::DOUBLE"
BIN_SQL = f"CAST(ceil(ln(greatest(duration_ms, {MIN_MS})) / ln({GAMMA})) AS SMALLINT)"
_ROW_KEYS = "bucket, project, dim, value"  # the primary key of a per-grain table
_SLICE_ROWS = 50_000  # DuckDB's row groups hold 122,880 rows


def bin_value_ms(bin_index: int) -> float:
    """The value reported for a latency bin: the midpoint in relative terms."""
    return 2 * GAMMA**bin_index / (GAMMA + 1)


def _dims_select() -> str:
    parts = [f"coalesce({expr}, '') AS \"{name}\"" for name, expr in DIMENSIONS.items()]
    return ", ".join([*parts, "'' AS \"all\""])


def _unpivot_on() -> str:
    return ", ".join(f'"{name}"' for name in [*DIMENSIONS, "all"])


def _grains_cte(grains: list[str]) -> str:
    values = ", ".join(f"('{g}', {GRAINS[g]})" for g in grains)
    return f"g AS (SELECT * FROM (VALUES {values}) t(grain, mins))"


def _bucket() -> str:
    return "to_timestamp((minute // mins) * mins * 60) AS bucket"


def _sum(name: str) -> str:
    return f"sum({name})::{'DOUBLE' if name == 'cost_usd' else 'BIGINT'} AS {name}"


def _keep(every_dim: bool) -> str:
    return "true" if every_dim else _KEEP


def stats_sql(where: str, grains: list[str], every_dim: bool = False) -> str:
    """Delta rows for rollup_stats from the spans matching `where`.

    `every_dim` keeps user/tenant per minute too (for reads that aggregate raw spans).
    Spans are unpivoted to one row per dimension first and grouped per minute; coarser grains
    regroup those minute rows. (Grouping by every dimension at once does not reduce anything
    when users or sessions are many: nearly every span is its own group.)
    """
    per_span = ", ".join(f"{sql} AS {name}" for name, sql in MEASURES.items())
    sums = ", ".join(_sum(name) for name in MEASURES)
    return f"""WITH s AS (
  SELECT project, epoch_us(start_time) // 60000000 AS minute, {_dims_select()}, {per_span}
  FROM spans WHERE {where}),
m AS (SELECT project, minute, dim, value, {sums}
  FROM (UNPIVOT s ON {_unpivot_on()} INTO NAME dim VALUE value) GROUP BY ALL),
{_grains_cte(grains)}
SELECT grain, {_bucket()}, project, dim, value, {sums}
FROM m, g WHERE {_keep(every_dim)} GROUP BY ALL"""


def latency_sql(where: str, grains: list[str], every_dim: bool = False) -> str:
    """Delta rows for rollup_latency (model calls only) from the spans matching `where`."""
    return f"""WITH s AS (
  SELECT project, epoch_us(start_time) // 60000000 AS minute, {_dims_select()},
    {BIN_SQL} AS bin
  FROM spans WHERE ({where}) AND operation = 'chat' AND duration_ms IS NOT NULL),
m AS (SELECT project, minute, dim, value, bin, count(*) AS n
  FROM (UNPIVOT s ON {_unpivot_on()} INTO NAME dim VALUE value) GROUP BY ALL),
{_grains_cte(grains)}
SELECT grain, {_bucket()}, project, dim, value, bin, sum(n)::BIGINT AS n
FROM m, g WHERE {_keep(every_dim)} GROUP BY ALL"""


def table(kind: str, grain: str, dim: str) -> str:
    """The table of one grain and dimension of rollup_stats ("stats") or rollup_latency
    ("latency"), e.g. rollup_latency_hour_model."""
    return f"rollup_{kind}_{grain}_{dim}"


def tables() -> list[tuple[str, str]]:
    """(grain, dim) of every table of a kind: user and tenant have no minute rows."""
    return [(g, d) for g in GRAINS for d in (*DIMENSIONS, "all")
            if not (g == "minute" and d in HOURLY_ONLY)]  # fmt: skip


def merge_deltas(con: duckdb.DuckDBPyConnection, stats: pa.Table, latency: pa.Table) -> None:
    """Add this tick's deltas to the stored rollups (runs on the writer)."""
    stats_parts, latency_parts = _split(stats), _split(latency)
    for grain, dim in tables():
        stats_t, latency_t = table("stats", grain, dim), table("latency", grain, dim)
        sets = ", ".join(f"{m} = {stats_t}.{m} + excluded.{m}" for m in MEASURES)
        _upsert(con, stats_parts.get((grain, dim)), f"INSERT INTO {stats_t} SELECT "
                f"{_ROW_KEYS}, {', '.join(MEASURES)} FROM delta ON CONFLICT DO UPDATE "
                f"SET {sets}")  # fmt: skip
        _upsert(con, latency_parts.get((grain, dim)), f"INSERT INTO {latency_t} SELECT "
                f"{_ROW_KEYS}, bin, n FROM delta ON CONFLICT DO UPDATE "
                f"SET n = {latency_t}.n + excluded.n")  # fmt: skip


def _split(delta: pa.Table) -> dict[tuple[str, str], pa.Table]:
    """The delta's rows per (grain, dim) present, each in time order."""
    grains, dims = delta.column("grain"), delta.column("dim")
    parts = {}
    for grain, dim in tables():
        rows = delta.filter(pc.and_(pc.equal(grains, grain), pc.equal(dims, dim)))
        if rows.num_rows:
            parts[(grain, dim)] = rows.sort_by("bucket")
    return parts


def _upsert(con: duckdb.DuckDBPyConnection, rows: pa.Table | None, sql: str) -> None:
    """Run `sql` over `rows` in slices well under a row group: an INSERT ... ON CONFLICT
    spreads its input over one row group per thread, so one large delta (a backlog worked
    off in one tick) would give row groups whose bucket ranges each cover all of it, and
    reads could no longer skip them by bucket."""
    for start in range(0, 0 if rows is None else rows.num_rows, _SLICE_ROWS):
        con.register("delta", rows.slice(start, _SLICE_ROWS))
        try:
            con.execute(sql)
        finally:
            con.unregister("delta")


# Frozen with migration 5: a later change of the dimensions needs a migration of its own.
_M005_DIMS = ("service", "agent", "model", "tool", "operation", "user", "tenant", "error_class",
              "all")  # fmt: skip
_M005_HOURLY_ONLY = ("user", "tenant")


def m005_rollup_grains(con: duckdb.DuckDBPyConnection) -> None:
    """Split rollup_stats / rollup_latency into a table per grain and dimension (see the
    module docstring); the old names become views. Rows are copied in stored order, which is
    the order the ticks wrote them (time order), without a sort of the whole table."""
    parts = [(g, d) for g in ("minute", "hour", "day") for d in _M005_DIMS
             if not (g == "minute" and d in _M005_HOURLY_ONLY)]  # fmt: skip
    for kind, key in (("stats", _ROW_KEYS), ("latency", f"{_ROW_KEYS}, bin")):
        old = f"rollup_{kind}"
        cols = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
            "AND column_name <> 'grain' ORDER BY column_index", [old]).fetchall()  # fmt: skip
        ddl = ", ".join(f"{name} {typ} NOT NULL" for name, typ in cols)
        for grain, dim in parts:
            new = f"{old}_{grain}_{dim}"
            con.execute(f"CREATE TABLE {new} ({ddl})")
            con.execute(f"INSERT INTO {new} SELECT * EXCLUDE (grain) FROM {old} "
                        f"WHERE grain = '{grain}' AND dim = '{dim}'")  # fmt: skip
            con.execute(f"ALTER TABLE {new} ADD PRIMARY KEY ({key})")  # one bulk index build
        con.execute(f"DROP TABLE {old}")
        union = " UNION ALL ".join(f"SELECT '{g}' AS grain, * FROM {old}_{g}_{d}" for g, d in parts)
        con.execute(f"CREATE VIEW {old} AS {union}")


def run_rollups(ctx: JobContext) -> JobOutcome:
    where, params = ctx.new_spans()
    grains = list(GRAINS)

    def read(cur: duckdb.DuckDBPyConnection) -> tuple[pa.Table, pa.Table]:
        stats = cur.sql(stats_sql(where, grains), params=params).to_arrow_table()
        latency = cur.sql(latency_sql(where, grains), params=params).to_arrow_table()
        return stats, latency

    stats, latency = ctx.store.read(read)
    rows = _spans_counted(stats)
    return JobOutcome(rows_read=rows, write=lambda con: merge_deltas(con, stats, latency))


def _spans_counted(stats: pa.Table) -> int:
    total = 0
    for grain, dim, spans in zip(
        stats.column("grain").to_pylist(), stats.column("dim").to_pylist(),
        stats.column("spans").to_pylist(), strict=True,
    ):  # fmt: skip
        if grain == "minute" and dim == "all":
            total += spans
    return total


JOB = JobSpec("rollups", run_rollups)
