"""The SQL of a read from the rollups (see analytics.rollup_query): which rows of which
tables, and which raw spans, make up a set of windows, per bucket and dimension value.

A window [since, until) is tiled with the coarsest rollup buckets that fit inside it (days,
then hours, then minutes; no minutes for user and tenant) and the edges below the finest are
read from raw spans, as are all spans the rollup job has not consumed yet (batch_id above its
watermark), with the same per-span expressions the job uses. Every predicate is on a single
column (one table's bucket ranges, raw spans' start_time or batch_id), so DuckDB skips row
groups by their min/max; an OR across columns would be evaluated row by row over the table.
Planning these queries costs more than running them, so the parts are few: one per rollup
table (its ranges OR'ed) and one over all raw parts, with the per-span expressions once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from analytics.rollups import BIN_SQL, DIMENSIONS, GRAINS, HOURLY_ONLY, MEASURES, table

Piece = tuple[str, datetime, datetime]
Window = tuple[datetime, datetime]
_ORDER = ("day", "hour", "minute")
_ROLLUP_EPOCH = "epoch(bucket)::BIGINT"
_RAW_EPOCH = "epoch_us(start_time) // 1000000"
_CHAT = " AND operation = 'chat' AND duration_ms IS NOT NULL"
# The span columns MEASURES and BIN_SQL read.
_RAW_COLUMNS = ("status, error_class, operation, parent_span_id, input_tokens, output_tokens, "
                "cache_read_tokens, cache_write_tokens, cost_usd, duration_ms")  # fmt: skip
OTHER = "(other)"  # the value of the series that merges every value outside the top N
_RANK = "sum(cost_usd) DESC, sum(spans) DESC, value"


def _floor(t: datetime, grain: str) -> datetime:
    step = GRAINS[grain] * 60
    return datetime.fromtimestamp(int(t.timestamp()) // step * step, UTC)


def _ceil(t: datetime, grain: str) -> datetime:
    low = _floor(t, grain)
    return low if low == t else low + timedelta(minutes=GRAINS[grain])


def cover(since: datetime, until: datetime, grains: tuple[str, ...] = _ORDER
          ) -> tuple[list[Piece], list[tuple[datetime, datetime]]]:  # fmt: skip
    """Rollup pieces (grain, start, end) and raw pieces (start, end) that tile [since, until)."""
    if since >= until:
        return [], []
    if not grains:
        return [], [(since, until)]
    grain, finer = grains[0], grains[1:]
    start, end = _ceil(since, grain), _floor(until, grain)
    if start >= end:
        return cover(since, until, finer)
    left, right = cover(since, start, finer), cover(end, until, finer)
    return left[0] + [(grain, start, end)] + right[0], left[1] + right[1]


@dataclass(frozen=True, slots=True)
class Read:
    """Windows of one project's spans per value of `dim`, in buckets of `step_s` seconds
    (None: one bucket per window, labelled by the window's index)."""

    project: str
    windows: list[Window]
    dim: str
    grain: str  # the coarsest rollup grain whose rows fit in one bucket
    step_s: int | None
    lateness_s: int
    top: int | None = None  # keep this many values of `dim`, merge the rest into OTHER
    percentiles: bool = True  # False: skip the latency histograms

    def bucket(self, time_col: str, epoch_s: str) -> tuple[str, list[Any]]:
        """The output bucket of a row whose time is `time_col` (`epoch_s` in seconds)."""
        if self.step_s is not None:
            return f"({epoch_s}) // {self.step_s} * {self.step_s}", []
        if len(self.windows) == 1:
            return "0::BIGINT", []
        whens = " ".join(f"WHEN {time_col} >= ? AND {time_col} < ? THEN {i}"
                         for i in range(len(self.windows)))  # fmt: skip
        return f"CASE {whens} END::BIGINT", [t for w in self.windows for t in w]

    def grains(self, dim: str) -> tuple[str, ...]:
        """The rollup grains that tile this read's buckets for `dim`."""
        finer = _ORDER[_ORDER.index(self.grain) :]
        return tuple(g for g in finer if not (g == "minute" and dim in HOURLY_ONLY))


def parts(read: Read, mark: int, kind: str, cols: str, raw_cols: str, raw_where: str = "",
           dim: str | None = None, keep: str = "", keep_params: tuple[Any, ...] = ()
           ) -> tuple[str, list[Any]]:  # fmt: skip
    """UNION ALL of the rows of `dim` (default the read's) that make up the read's windows,
    of the values passing `keep` (" AND <condition on {}>", {} the value): per rollup table,
    the OR of its pieces' bucket ranges; raw spans below the watermark in sub-minute edges,
    and all raw spans above it. Each predicate is on one column, so row groups are skipped
    by min/max. Few parts, `raw_cols` computed once: planning is most of the cost."""
    dim = dim or read.dim
    value = "''" if dim == "all" else f"coalesce({DIMENSIONS[dim]}, '')"
    pieces: dict[str, list[Window]] = {}
    edges: list[Window] = []
    for since, until in read.windows:
        rolled, raw = cover(since, until, read.grains(dim))
        for grain, start, end in rolled:
            pieces.setdefault(grain, []).append((start, end))
        edges += raw
    sqls, params = [], []
    for grain, ranges in pieces.items():
        bucket, bucket_params = read.bucket("bucket", _ROLLUP_EPOCH)
        sqls.append(f"SELECT {bucket} AS bucket, value, {cols} FROM {table(kind, grain, dim)} "
                    f"WHERE project = ? AND dim = ? AND {_any('bucket', ranges)}"
                    f"{keep.format('value')}")  # fmt: skip
        params += [*bucket_params, read.project, dim, *_flat(ranges), *keep_params]
    raws, raw_params = [], []
    # Sub-minute edges from rolled-up batches; the whole windows from the batches after.
    for op, ranges in (("<=", edges), (">", read.windows)):
        if not ranges:
            continue
        bucket, bucket_params = read.bucket("start_time", _RAW_EPOCH)
        raws.append(f"SELECT {bucket} AS bucket, {value} AS value, {_RAW_COLUMNS} FROM spans "
                    f"WHERE project = ? AND batch_id {op} ? AND {_any('start_time', ranges)} "
                    f"AND start_time >= received_at - to_seconds(?){raw_where}"
                    f"{keep.format(value)}")  # fmt: skip
        raw_params += [*bucket_params, read.project, mark, *_flat(ranges), read.lateness_s,
                       *keep_params]  # fmt: skip
    sqls.append(f"SELECT bucket, value, {raw_cols} FROM ({' UNION ALL '.join(raws)})")
    return " UNION ALL ".join(sqls), [*params, *raw_params]


def _any(col: str, ranges: list[Window]) -> str:
    return "(" + " OR ".join(f"({col} >= ? AND {col} < ?)" for _ in ranges) + ")"


def _flat(ranges: list[Window]) -> list[datetime]:
    return [t for r in ranges for t in r]


_IN_TOP = " AND {} IN (SELECT value FROM top)"
_IN_LIST = " AND list_contains(?::VARCHAR[], {})"


def top_cte(read: Read, mark: int) -> tuple[str, list[Any]]:
    """CTE `top`: the read's `top` values of its dimension by cost, then spans, then value."""
    raw_cols = ", ".join(f"{MEASURES[m]} AS {m}" for m in ("cost_usd", "spans"))
    union, params = parts(read, mark, "stats", "cost_usd, spans", raw_cols)
    sql = f"top AS (SELECT value FROM ({union}) GROUP BY value ORDER BY {_RANK} LIMIT ?)"
    return sql, [*params, read.top]


def with_other(total: str, cols: list[str], counts: list[str]) -> str:
    """The rows of CTE `mine` as they are, plus OTHER as `total` minus `mine` (`counts`
    negated): exact, since every span has one value of the dimension, and it reads only the
    kept values' rows. `total` is tiled as its own dimension allows: the sums do not depend
    on the tiling."""
    neg = ", ".join(f"-{c} AS {c}" if c in counts else c for c in cols)
    return (f"SELECT bucket, value, {', '.join(cols)} FROM mine "
            f"UNION ALL SELECT bucket, '{OTHER}', {neg} FROM mine "
            f"UNION ALL SELECT bucket, '{OTHER}', {', '.join(cols)} FROM ({total})")  # fmt: skip


def stats_sql(read: Read, mark: int) -> tuple[str, list[Any]]:
    """Sums per (bucket, value); with `top`, per top value and OTHER for the rest, the top
    picked in the same query."""
    raw_cols = ", ".join(f"{sql} AS {name}" for name, sql in MEASURES.items())
    args = ("stats", ", ".join(MEASURES), raw_cols)
    sums = ", ".join(
        f"sum({m})::{'DOUBLE' if m == 'cost_usd' else 'BIGINT'} AS {m}" for m in MEASURES
    )
    if read.top is None:
        union, params = parts(read, mark, *args)
        sql = f"SELECT bucket, value, {sums} FROM ({union}) GROUP BY ALL ORDER BY bucket, value"
        return sql, params
    top, top_params = top_cte(read, mark)
    mine, params = parts(read, mark, *args, keep=_IN_TOP)
    total, total_params = parts(read, mark, *args, dim="all")
    union = with_other(total, list(MEASURES), list(MEASURES))
    sql = (f"WITH {top}, mine AS ({mine}) SELECT bucket, value, {sums} FROM ({union}) "
           "GROUP BY ALL HAVING sum(spans) > 0 ORDER BY bucket, value")  # fmt: skip
    return sql, [*top_params, *params, *total_params]


def hist_sql(read: Read, mark: int, top: list[str] | None) -> tuple[str, list[Any]]:
    """Histogram rows of every part, neither merged nor sorted (percentile_bins does both,
    and drops OTHER's empty bins); with `top`, per top value and OTHER for the rest."""
    args = ("latency", "bin, n", f"{BIN_SQL} AS bin, 1 AS n", _CHAT)
    if top is None:
        union, params = parts(read, mark, *args)
        return f"SELECT bucket, value, bin, n FROM ({union})", params
    mine, params = parts(read, mark, *args, keep=_IN_LIST, keep_params=(top,))
    total, total_params = parts(read, mark, *args, dim="all")
    sql = f"WITH mine AS ({mine}) {with_other(total, ['bin', 'n'], ['n'])}"
    return sql, [*params, *total_params]
