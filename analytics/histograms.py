"""Nearest-rank percentiles of many latency histograms at once, vectorised with numpy.

The input is histogram rows (group, bin, n) in any order; the rows of one (group, bin) add up,
so histograms merge by simply listing their rows, and a row may be negative (a histogram minus
another, see analytics.rollup_query). The pick for percent p of a group with total count N is
the smallest bin whose cumulative count reaches ceil(p * N / 100), in integer arithmetic.

Two ways, same answer: a dense group x bin matrix of counts (np.bincount, then a cumulative sum
per row), linear in rows and cells, when the matrix is small; otherwise one sort of the rows,
a cumulative sum and a binary search per percent. Either costs a few milliseconds for ~10^5
rows, where SQL's hash aggregate, sort and window function took ~100 ms.
"""

from __future__ import annotations

import numpy as np

PERCENTS = (50, 95, 99)
DENSE_CELLS = 2_000_000  # ~16 MB of int64 counts


def nearest_rank_bins(group: np.ndarray, bins: np.ndarray, n: np.ndarray, groups: int,
                      dense_cells: int = DENSE_CELLS) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(the groups, 0 <= g < `groups`, with a positive count; their bins, one column per
    percent of PERCENTS)."""
    if len(n) == 0:
        return np.empty(0, dtype=np.int64), np.empty((0, len(PERCENTS)), dtype=np.int64)
    low = int(bins.min())
    width = int(bins.max()) - low + 1
    offset = bins.astype(np.int64) - low
    if groups * width <= dense_cells:
        present, picks = _dense(group.astype(np.int64), offset, n, groups, width)
    else:
        present, picks = _sorted(group.astype(np.int64), offset, n)
    return present, picks + low


def _ranks(totals: np.ndarray) -> list[np.ndarray]:
    return [(p * totals + 99) // 100 for p in PERCENTS]


def _dense(group: np.ndarray, offset: np.ndarray, n: np.ndarray, groups: int, width: int
           ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    # float64 weights hold these integer sums exactly (far below 2**53)
    cells = np.bincount(group * width + offset, weights=n, minlength=groups * width)
    counts = np.rint(cells).astype(np.int64).reshape(groups, width)
    totals = counts.sum(axis=1)
    present = np.flatnonzero(totals > 0)
    cum = counts[present].cumsum(axis=1)
    picks = [(cum >= rank[:, None]).argmax(axis=1) for rank in _ranks(totals[present])]
    return present, np.stack(picks, axis=1)


def _sorted(group: np.ndarray, offset: np.ndarray, n: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    order = np.lexsort((offset, group))
    group, offset, n = group[order], offset[order], n[order]
    first = np.ones(len(n), dtype=bool)
    first[1:] = (group[1:] != group[:-1]) | (offset[1:] != offset[:-1])
    starts = np.flatnonzero(first)
    counts = np.add.reduceat(n, starts)  # one row per (group, bin), then empty bins dropped
    keep = counts > 0
    group, offset, counts = group[starts[keep]], offset[starts[keep]], counts[keep]
    new = np.ones(len(counts), dtype=bool)
    new[1:] = group[1:] != group[:-1]
    heads = np.flatnonzero(new)
    cum = np.cumsum(counts)
    totals = np.add.reduceat(counts, heads)
    before = cum[heads] - counts[heads]
    picks = [offset[np.searchsorted(cum, before + rank)] for rank in _ranks(totals)]
    return group[heads], np.stack(picks, axis=1)
