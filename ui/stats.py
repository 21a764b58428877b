"""Statistics the console computes itself, over rows the API returned (never over raw spans)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any


def tool_percentiles(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nearest-rank p50/p95/p99 per tool over the calls read."""
    by_tool: dict[str, list[float]] = defaultdict(list)
    for c in calls:
        if c.get("duration_ms") is not None:
            by_tool[c["tool_name"] or "(none)"].append(c["duration_ms"])
    rows = []
    for tool, values in sorted(by_tool.items()):
        values.sort()
        pick = {q: values[max(0, -(-len(values) * q // 100) - 1)] for q in (50, 95, 99)}
        rows.append({"tool": tool, "calls": len(values), "p50_ms": pick[50],
                     "p95_ms": pick[95], "p99_ms": pick[99],
                     "mean_ms": statistics.fmean(values)})  # fmt: skip
    return rows
