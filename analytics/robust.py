"""Robust statistics for the anomaly rules: median, MAD and the MAD-based z-score."""

from __future__ import annotations

import statistics

MAD_SCALE = 1.4826  # makes the MAD estimate the standard deviation of normal data
MAD_FLOOR_FRACTION = 0.1  # a flat series has MAD 0; do not let any wobble look infinite


def median_mad(values: list[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 0.0
    med = statistics.median(values)
    return med, statistics.median(abs(v - med) for v in values)


def robust_z(value: float, median: float, mad: float, floor: float = 0.0) -> float:
    """(value - median) / (1.4826 * MAD), MAD floored at 10% of the median and at `floor`."""
    scale = MAD_SCALE * max(mad, MAD_FLOOR_FRACTION * abs(median), floor)
    if scale == 0:
        return 0.0 if value <= median else float("inf")
    return (value - median) / scale
