"""Nearest-rank bins of many histograms: both ways (dense matrix, sorted rows) against a plain
Python reference, with repeated and negative rows."""

from __future__ import annotations

import math
import random

import numpy as np

from analytics.histograms import PERCENTS, nearest_rank_bins


def _reference(rows: list[tuple[int, int, int]]) -> dict[int, tuple[int, ...]]:
    merged: dict[int, dict[int, int]] = {}
    for g, b, n in rows:
        merged.setdefault(g, {}).setdefault(b, 0)
        merged[g][b] += n
    out = {}
    for g, counts in merged.items():
        total = sum(counts.values())
        if total <= 0:
            continue
        values = [b for b in sorted(counts) for _ in range(counts[b])]  # every call, in order
        out[g] = tuple(values[math.ceil(p * total / 100) - 1] for p in PERCENTS)
    return out


def _both(rows: list[tuple[int, int, int]], groups: int) -> list[dict[int, tuple[int, ...]]]:
    g, b, n = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    out = []
    for cells in (10**9, 0):  # dense, then sorted
        present, picks = nearest_rank_bins(g, b.astype(np.int16), n, groups, dense_cells=cells)
        out.append(dict(zip(present.tolist(), map(tuple, picks.tolist()), strict=True)))
    return out


def test_nearest_rank_bins_match_reference_when_rows_repeat_in_any_order() -> None:
    rng = random.Random(7)
    rows = [(rng.randrange(40), rng.randrange(-300, 400), rng.randrange(1, 5)) for _ in range(3000)]
    dense, ordered = _both(rows, 40)
    assert dense == ordered == _reference(rows)


def test_nearest_rank_bins_subtract_negative_rows_and_drop_emptied_groups() -> None:
    # group 1 = group 0's rows minus part of them (a total minus its top values)
    rows = [(0, 10, 3), (0, 12, 5), (0, 20, 2), (1, 10, 3), (1, 12, 5), (1, 20, 2),
            (1, 12, -5), (1, 10, -1), (2, 5, 4), (2, 5, -4)]  # fmt: skip
    dense, ordered = _both(rows, 3)
    assert dense == ordered == {0: (12, 20, 20), 1: (10, 20, 20)}
