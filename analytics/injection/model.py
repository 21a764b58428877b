"""The learned scorer: a logistic regression over hashed n-grams (`features.py`), and how it
joins the rules.

The weights ship inside the package (`data/model.npz`, numpy arrays only, no pickle) and are
loaded once, on first use. `tools/train_injection_model.py` writes them.

A window's logit is `w . x + b`, with x the binary n-gram vector of the window, L2-normalized;
a text's logit is its strongest window's. The reported score is `sigmoid(logit - t)`, t being
the operating threshold chosen by grouped cross-validation, so the model says 0.5 exactly
where it starts calling a text an injection: the same scale and threshold as the rules.
On a text that discusses attacks (`detector.discusses_attacks`) the logit is lowered by
`DISCUSSION_LIFT` first: articles, talk summaries and policies about prompt injection share
most n-grams with injections, while an injection seldom reads like an essay about itself
(leave-one-split-out: 2 of 5 dev5 model FPs gone, no attack lost).

Combination (`with_model`): final score = max(rule score, model score). The model can raise a
finding the rules missed but never lowers one they raised. It adds the reason
"model=<score>" when it flags the text (>= 0.5) or when it sets the score. On by default;
`TRACEVAULT_INJECTION_MODEL=off` (or 0/false/no) leaves the rules alone.
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analytics.injection.detector import discusses_attacks
from analytics.injection.features import BITS, model_document, window_features
from analytics.injection.result import InjectionResult

MODEL_PATH = Path(__file__).resolve().parent / "data" / "model.npz"
MODEL_ENV_VAR = "TRACEVAULT_INJECTION_MODEL"
_OFF = frozenset({"0", "off", "false", "no"})
_FLAG = 0.5
DISCUSSION_LIFT = 1.5
_EXCERPT = 160


class ModelFileError(ValueError):
    """The model file is missing a field or was built for other features."""


@dataclass(frozen=True, eq=False)
class LinearModel:
    weights: np.ndarray  # float32, 2**BITS
    bias: float
    threshold_logit: float

    def logit(self, text: str, source: str) -> float:
        win, idx = window_features(model_document(text), source)
        if not win[-1]:  # one window (sorted, so the last id is the largest)
            return float(self.weights[idx].sum()) / math.sqrt(len(idx)) + self.bias
        sums = np.bincount(win, weights=self.weights[idx])
        return float(np.max(sums / np.sqrt(np.bincount(win)))) + self.bias

    def decision_logit(self, text: str, source: str) -> float:
        """The logit compared with the threshold: lowered on texts that discuss attacks."""
        lift = DISCUSSION_LIFT if discusses_attacks(text) else 0.0
        return self.logit(text, source) - lift

    def score(self, text: str, source: str) -> float:
        """0..1, 0.5 at the operating threshold."""
        return _sigmoid(self.decision_logit(text, source) - self.threshold_logit)

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            weights=self.weights.astype(np.float16),
            bias=np.float64(self.bias),
            threshold_logit=np.float64(self.threshold_logit),
            bits=np.int64(BITS),
        )


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= -700 else 0.0


def read_model(path: Path) -> LinearModel:
    with np.load(path, allow_pickle=False) as data:
        missing = {"weights", "bias", "threshold_logit", "bits"} - set(data.files)
        if missing:
            raise ModelFileError(f"{path}: missing {sorted(missing)}")
        if int(data["bits"]) != BITS or data["weights"].shape != (1 << BITS,):
            raise ModelFileError(f"{path}: built for {int(data['bits'])} hash bits, not {BITS}")
        return LinearModel(
            data["weights"].astype(np.float32), float(data["bias"]), float(data["threshold_logit"])
        )


@functools.lru_cache(maxsize=1)
def shipped_model() -> LinearModel:
    return read_model(MODEL_PATH)


def model_enabled() -> bool:
    return os.environ.get(MODEL_ENV_VAR, "on").strip().lower() not in _OFF


def with_model(
    base: InjectionResult, text: str, source: str, model: LinearModel | None = None
) -> InjectionResult:
    score = round((model or shipped_model()).score(text, source), 4)
    if score < _FLAG and (score <= base.score or score < 0.005):  # 0.005: shows as "0.00"
        return base
    reasons = [*base.reasons, f"model={score:.2f}"]
    excerpt = base.excerpt or (" ".join(text.split())[:_EXCERPT] if score >= _FLAG else "")
    return InjectionResult(max(base.score, score), reasons, excerpt)
