"""Extra scorers plugged in through configuration, and how their scores join the heuristic.

`TRACEVAULT_INJECTION_SCORERS="pkg.module:function,other.module:function"` names callables
`(text: str, source: str) -> float | InjectionResult`. They are imported once per distinct
setting; a bad name fails at load time with `ScorerConfigError`.

Combination: final score = max(heuristic score, every extra score), each clipped to [0, 1].
An extra scorer can raise a finding the heuristics missed (a classifier) but cannot clear one
they raised, so adding a scorer never lowers recall. Reasons list the heuristic reasons first,
then "scorer:<name>=<score>" and the scorer's own reasons. A scorer that raises is logged and
reported as "scorer_error:<name>"; the scan goes on, because one plugin must not stop the job.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from analytics.injection.result import InjectionResult

ENV_VAR = "TRACEVAULT_INJECTION_SCORERS"
ScorerFn = Callable[[str, str], "float | InjectionResult"]
log = logging.getLogger(__name__)


class ScorerConfigError(ValueError):
    """The scorer setting names something that cannot be imported or is not callable."""


@dataclass(frozen=True)
class Scorer:
    name: str
    fn: ScorerFn


def load_scorers(spec: str) -> tuple[Scorer, ...]:
    return tuple(_load_one(item.strip()) for item in spec.split(",") if item.strip())


def configured_scorers() -> tuple[Scorer, ...]:
    return _cached(os.environ.get(ENV_VAR, ""))


@functools.lru_cache(maxsize=8)
def _cached(spec: str) -> tuple[Scorer, ...]:
    return load_scorers(spec)


def _load_one(item: str) -> Scorer:
    module_name, sep, attr = item.partition(":")
    if not sep or not module_name or not attr:
        raise ScorerConfigError(f"{ENV_VAR}: {item!r} is not 'package.module:function'")
    try:
        fn = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ScorerConfigError(f"{ENV_VAR}: cannot load {item!r}: {exc}") from exc
    if not callable(fn):
        raise ScorerConfigError(f"{ENV_VAR}: {item!r} is not callable")
    return Scorer(item, fn)


def combine(
    base: InjectionResult, text: str, source: str, scorers: Sequence[Scorer]
) -> InjectionResult:
    score, reasons, excerpt = base.score, list(base.reasons), base.excerpt
    for scorer in scorers:
        extra = _run(scorer, text, source)
        if extra is None:
            reasons.append(f"scorer_error:{scorer.name}")
            continue
        if extra.score > 0:
            reasons.append(f"scorer:{scorer.name}={extra.score:.2f}")
            reasons += extra.reasons
        if extra.score > score:
            excerpt = excerpt or extra.excerpt or text[:160]
        score = max(score, extra.score)
    return InjectionResult(score, reasons, excerpt)


def _run(scorer: Scorer, text: str, source: str) -> InjectionResult | None:
    try:
        out = scorer.fn(text, source)
    except Exception:
        log.exception("injection scorer %s failed", scorer.name)
        return None
    if isinstance(out, InjectionResult):
        return InjectionResult(_clip(out.score), list(out.reasons), out.excerpt)
    return InjectionResult(_clip(float(out)), [], "")


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))
