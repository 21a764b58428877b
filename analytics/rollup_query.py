"""Metrics read from the rollups, exact for any window: the read side of `analytics.rollups`.

What is read is built in analytics.rollup_sql: rollup rows for the whole minutes, hours and
days of the windows, raw spans for the edges and for the spans the rollup job has not consumed
yet, so an answer never lags the ingest. Counts, tokens and cost are sums; percentiles come
from the merged latency histograms (analytics.histograms, with numpy: several times cheaper
than SQL's aggregate, sort and window function over the histogram rows).

The watermark and both queries (sums, then histograms) share one snapshot, so a rollup tick
committing in between cannot count its spans twice. A summary reads its window and the previous
one in the same queries, one bucket each. A split by a dimension may keep only its `top` values
by cost and merge the rest into OTHER (thousands of users make a series nobody can read, and a
slow one), and may skip the percentiles, which the split by user or tenant rarely needs and
which cost most there (every user's histogram rows in the window are read).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from analytics.histograms import PERCENTS, nearest_rank_bins
from analytics.rollup_sql import OTHER, Read, Window, cover, hist_sql, stats_sql
from analytics.rollups import DIMENSIONS, GRAINS, MEASURES, bin_value_ms
from collector.store import Store

__all__ = ["OTHER", "cover", "percentile_bins", "summaries", "summary", "timeseries"]

LATENESS_S = 8 * 86400  # the default of settings.job_lateness_s
_PERCENTILES = tuple(f"p{p}_ms" for p in PERCENTS)  # p50_ms, p95_ms, p99_ms
# Arrow initialises its hash kernels on first use (~0.3 s): pay it at start, not in a request.
pa.array([""]).dictionary_encode()


def _fetch(store: Store, read: Read) -> tuple[list[tuple], pa.Table | None]:
    def run(cur: duckdb.DuckDBPyConnection) -> tuple[list[tuple], pa.Table | None]:
        cur.execute("BEGIN TRANSACTION")  # one snapshot for the watermark and both queries
        try:
            row = cur.execute(
                "SELECT batch_id FROM job_watermarks WHERE job = 'rollups'"
            ).fetchone()
            mark = int(row[0]) if row else 0
            stats = cur.execute(*stats_sql(read, mark)).fetchall()
            if not read.percentiles:
                return stats, None
            # The values the stats query kept: a real value equal to OTHER was added to the
            # rest there (mine and the subtracted mine share its label), so it is here too.
            top = None if read.top is None else sorted({r[1] for r in stats} - {OTHER})
            sql, params = hist_sql(read, mark, top)
            return stats, cur.sql(sql, params=params).to_arrow_table()
        finally:
            cur.execute("ROLLBACK")

    return store.read(run)


def percentile_bins(hist: pa.Table) -> dict[tuple[int, str], tuple[int, ...]]:
    """(bucket, value) -> the bins of p50/p95/p99 (see analytics.histograms), from histogram
    rows (bucket, value, bin, n) in any order."""
    buckets = hist.column("bucket").combine_chunks().dictionary_encode()
    values = hist.column("value").combine_chunks().dictionary_encode()
    width = len(values.dictionary)
    group = buckets.indices.to_numpy().astype(np.int64) * width + values.indices.to_numpy()
    groups = len(buckets.dictionary) * width
    bins, n = hist.column("bin").to_numpy(), hist.column("n").to_numpy()
    present, picks = nearest_rank_bins(group, bins, n, groups)
    bucket_of, value_of = buckets.dictionary.to_pylist(), values.dictionary.to_pylist()
    keys = [(bucket_of[g // width], value_of[g % width]) for g in present.tolist()]
    return dict(zip(keys, map(tuple, picks.tolist()), strict=True))


def _point(measures: dict[str, Any], bins: tuple[int, ...] | None, percentiles: bool = True
           ) -> dict[str, Any]:  # fmt: skip
    out = dict(measures)
    out["traces"] = out["root_spans"]  # a task is a root span; see analytics.rollups
    out["success_rate"] = _rate(out["model_errors"], out["model_calls"])
    out["task_success_rate"] = _rate(out["root_errors"], out["root_spans"])
    for i, name in enumerate(_PERCENTILES if percentiles else ()):
        out[name] = bin_value_ms(bins[i]) if bins else None
    return out


def _rate(errors: int | None, total: int | None) -> float | None:
    return 1 - errors / total if total else None


def _rows(store: Store, read: Read) -> list[tuple[int, str, dict[str, Any]]]:
    """(bucket, value, point) per bucket and value that had spans, in that order."""
    stats, hist = _fetch(store, read)
    bins = {} if hist is None else percentile_bins(hist)
    names = list(MEASURES)
    return [(b, v, _point(dict(zip(names, rest, strict=True)), bins.get((b, v)), hist is not None))
            for b, v, *rest in stats]  # fmt: skip


def summaries(store: Store, project: str, windows: list[Window],
              lateness_s: int = LATENESS_S) -> list[dict[str, Any]]:  # fmt: skip
    """Totals over each [since, until) of `windows`, read together in one snapshot."""
    read = Read(project, windows, "all", "day", None, lateness_s)
    found = {b: point for b, _, point in _rows(store, read)}
    empty = _point(dict.fromkeys(MEASURES, 0), None)
    return [found.get(i, empty) for i in range(len(windows))]


def summary(store: Store, project: str, since: datetime, until: datetime,
            lateness_s: int = LATENESS_S) -> dict[str, Any]:  # fmt: skip
    """Totals over [since, until); `lateness_s` must be the rollup job's (settings)."""
    return summaries(store, project, [(since, until)], lateness_s)[0]


def timeseries(store: Store, project: str, since: datetime, until: datetime, bucket: str,
               by: str | None, lateness_s: int = LATENESS_S, top: int | None = None,
               percentiles: bool = True) -> list[dict[str, Any]]:  # fmt: skip
    """Points per bucket (and value of `by`). With `top`, only the `top` values with the
    most cost (then spans) over the window keep their own series; the rest are merged into
    one series whose value is OTHER (exact sums; percentiles from the merged histograms).
    Without `percentiles`, the points have no p50/p95/p99 (and the histograms are not read)."""
    if by is not None and by not in DIMENSIONS:
        raise ValueError(f"by must be one of {sorted(DIMENSIONS)}")
    step = GRAINS[bucket] * 60
    top = top if by else None
    read = Read(project, [(since, until)], by or "all", bucket, step, lateness_s, top, percentiles)
    iso: dict[int, str] = {}
    points = []
    for b, value, point in _rows(store, read):
        if b not in iso:
            iso[b] = datetime.fromtimestamp(b, UTC).isoformat()
        row = {"bucket": iso[b], **point}
        if by:
            row[by] = value or None
        points.append(row)
    return points
