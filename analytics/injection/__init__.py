"""Prompt-injection heuristics for user input, tool results and fetched content.

    from analytics.injection import score_text
    result = score_text(tool_output, source="tool_result")
    if result.score >= 0.5: ...  # result.reasons, result.excerpt

The score joins hand-written rules (`detector.py`, `rules*.py`) and a learned linear model over
hashed n-grams (`model.py`, weights in `data/model.npz`, trained by
`tools/train_injection_model.py`): max of the two, so the model only adds findings.
Families: instruction_override, role_hijack, system_prompt_extraction, template_spoofing,
encoded_payload, exfiltration, tool_coercion, in English and es/fr/de/pt/it/zh/ja/ru/ko/nl.
Extra scorers: see `scorers.py` (`TRACEVAULT_INJECTION_SCORERS`).
"""

from __future__ import annotations

from collections.abc import Sequence

from analytics.injection.decode import MAX_CHARS
from analytics.injection.detector import heuristic_score
from analytics.injection.model import MODEL_ENV_VAR, model_enabled, shipped_model, with_model
from analytics.injection.result import SOURCES, InjectionResult
from analytics.injection.scorers import (
    ENV_VAR,
    Scorer,
    ScorerConfigError,
    combine,
    configured_scorers,
    load_scorers,
)

DEFAULT_THRESHOLD = 0.5

__all__ = [
    "DEFAULT_THRESHOLD",
    "ENV_VAR",
    "MAX_CHARS",
    "MODEL_ENV_VAR",
    "SOURCES",
    "InjectionResult",
    "Scorer",
    "ScorerConfigError",
    "configured_scorers",
    "heuristic_score",
    "load_scorers",
    "score_text",
    "shipped_model",
]


def score_text(
    text: str,
    *,
    source: str = "user",
    scorers: Sequence[Scorer] | None = None,
    model: bool | None = None,
) -> InjectionResult:
    """Rules, joined with the learned model (default: on unless MODEL_ENV_VAR says off), then
    with the extra scorers (default: those configured in the env)."""
    base = heuristic_score(text, source)
    if model_enabled() if model is None else model:
        base = with_model(base, text, source)
    extra = configured_scorers() if scorers is None else scorers
    return combine(base, text, source, extra) if extra else base
