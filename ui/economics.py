"""Pure arithmetic behind the Costs page: totals per dimension value, what prompt caching
saved at list prices, and unit economics (cost per session and task, a monthly projection)."""

from __future__ import annotations

import functools
import importlib.util
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

DAYS_PER_MONTH = 30


@functools.cache
def _pricing() -> ModuleType:
    """`instrument.pricing` without importing `instrument`, which pulls in the anthropic SDK
    and OpenTelemetry (~2 s) that the console never uses; pricing.py needs only the stdlib."""
    name = "instrument.pricing"
    if name in sys.modules:
        return sys.modules[name]
    package = importlib.util.find_spec("instrument")  # locates, does not import
    assert package is not None and package.submodule_search_locations
    path = Path(next(iter(package.submodule_search_locations))) / "pricing.py"
    spec = importlib.util.spec_from_file_location("_tracevault_ui_pricing", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def get_price_table() -> Any:
    return _pricing().get_price_table()


def totals_by(points: list[dict[str, Any]], by: str, field: str) -> list[dict[str, Any]]:
    """Sum `field` per value of `by` over all buckets, largest first."""
    sums: dict[str, float] = defaultdict(float)
    for p in points:
        sums[p.get(by) or "(none)"] += p.get(field) or 0
    rows = [{by: k, field: v} for k, v in sums.items() if v]
    return sorted(rows, key=lambda r: (-r[field], r[by]))


def per_bucket(points: list[dict[str, Any]], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Collapse a split series back to one point per bucket."""
    out: dict[str, dict[str, Any]] = {}
    for p in points:
        row = out.setdefault(p["bucket"], {"bucket": p["bucket"], **dict.fromkeys(fields, 0)})
        for f in fields:
            row[f] += p.get(f) or 0
    return [out[k] for k in sorted(out)]


def cache_savings(points: list[dict[str, Any]]) -> float:
    """Net USD saved by caching, from points split by model: each cache-read token is billed at
    the cache-read rate instead of the input rate, each cache-write token costs a premium."""
    table, saved = get_price_table(), 0.0
    for row in totals_by(points, "model", "cache_read_tokens"):
        price = table.price(row["model"])
        if price is not None:
            saved += row["cache_read_tokens"] * (price.base.input - price.base.cache_read) / 1e6
    for row in totals_by(points, "model", "cache_write_tokens"):
        price = table.price(row["model"])
        if price is not None:
            extra = price.base.cache_write_5m - price.base.input
            saved -= row["cache_write_tokens"] * extra / 1e6
    return saved


@dataclass(frozen=True)
class UnitEconomics:
    cost_per_task: float | None
    cost_per_session: float | None
    sessions: int  # sessions seen in the traces read
    complete: bool  # every trace of the window was read (else: the latest ones)
    sessions_per_day: float  # observed

    def monthly(self, sessions_per_day: float) -> float | None:
        if self.cost_per_session is None:
            return None
        return self.cost_per_session * sessions_per_day * DAYS_PER_MONTH


def unit_economics(summary: dict[str, Any], traces: list[dict[str, Any]], complete: bool,
                   window_days: float) -> UnitEconomics:  # fmt: skip
    """Per task from the exact totals; per session from the traces read (exact if complete)."""
    tasks = summary["traces"]
    per_task = summary["cost_usd"] / tasks if tasks else None
    sessions: dict[str, float] = defaultdict(float)
    for t in traces:
        if t.get("session_id"):
            sessions[t["session_id"]] += t.get("cost_usd") or 0
    per_session = sum(sessions.values()) / len(sessions) if sessions else None
    span_days = window_days if complete else _days_covered(traces) or window_days
    return UnitEconomics(per_task, per_session, len(sessions), complete,
                         len(sessions) / span_days if span_days else 0.0)  # fmt: skip


def _days_covered(traces: list[dict[str, Any]]) -> float:
    times = [datetime.fromisoformat(t["start_time"]) for t in traces if t.get("start_time")]
    if len(times) < 2:
        return 0.0
    return (max(times) - min(times)).total_seconds() / 86400


def top_sessions(traces: list[dict[str, Any]], n: int = 10) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for t in traces:
        sid = t.get("session_id")
        if not sid:
            continue
        row = rows.setdefault(sid, {"session": sid, "user": t.get("user_id"), "tasks": 0,
                                    "cost_usd": 0.0, "tokens": 0})  # fmt: skip
        row["tasks"] += 1
        row["cost_usd"] += t.get("cost_usd") or 0
        row["tokens"] += (t.get("input_tokens") or 0) + (t.get("output_tokens") or 0)
    return sorted(rows.values(), key=lambda r: (-r["cost_usd"], r["session"]))[:n]
