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
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

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
_KEYS = "grain, bucket, project, dim, value"


def bin_value_ms(bin_index: int) -> float:
    """The value reported for a latency bin: the midpoint in relative terms."""
    return 2 * GAMMA**bin_index / (GAMMA + 1)


def _dims_select() -> str:
    parts = [f'coalesce({expr}, \'\') AS "{name}"' for name, expr in DIMENSIONS.items()]
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


def merge_deltas(con: duckdb.DuckDBPyConnection, stats: pa.Table, latency: pa.Table) -> None:
    """Add this tick's deltas to the stored rollups (runs on the writer)."""
    sets = ", ".join(f"{m} = rollup_stats.{m} + excluded.{m}" for m in MEASURES)
    con.register("delta_stats", stats)
    con.register("delta_latency", latency)
    try:
        con.execute(
            f"INSERT INTO rollup_stats SELECT {_KEYS}, {', '.join(MEASURES)} FROM delta_stats "
            f"ON CONFLICT DO UPDATE SET {sets}"
        )
        con.execute(
            f"INSERT INTO rollup_latency SELECT {_KEYS}, bin, n FROM delta_latency "
            "ON CONFLICT DO UPDATE SET n = rollup_latency.n + excluded.n"
        )
    finally:
        con.unregister("delta_stats")
        con.unregister("delta_latency")


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
