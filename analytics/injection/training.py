"""Training and cross-validation of the learned scorer (needs scikit-learn; the run-time scorer
in `model.py` needs numpy only).

Two cross-validations of the corpus (`data/train.jsonl`), both scored through the run-time path:
- grouped by family (`family_folds`): whole attack and benign families held out, so every fold
  is scored by a model that never saw a line of them. This measures transfer to a new kind of
  attack; a bag of n-grams transfers poorly, and the figure says so.
- by line (`line_folds`): each line held out once with its wrapper, i.e. new wording of the
  known families, which is what a new labelled split looks like. The operating threshold is
  chosen here: the lowest logit at which "rules >= 0.5 or model above threshold" keeps the
  benign false-positive rate at or under `TARGET_FPR`, leaving margin under the 0.05 target.
The shipped model is then fit on the corpus plus every development split of the labelled set.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from analytics.injection.detector import heuristic_score
from analytics.injection.features import BITS, model_document, window_features
from analytics.injection.model import LinearModel

DATA = Path(__file__).resolve().parent / "data"
TRAIN_PATH = DATA / "train.jsonl"
SET_PATH = Path(__file__).resolve().parents[2] / "tests" / "analytics" / "injection_set.jsonl"
DEV_SPLITS = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7")
# 0.02, not 0.03: leave-one-split-out on the three blind authors (dev5, dev6, dev7), rules +
# model, pooled: recall 0.902 / FP 0.026 (10 of 389) at 0.02, 0.920 / 0.041 (16) at 0.03.
TARGET_FPR = 0.02
C = 16.0
DEV_WEIGHT = 6.0
FOLDS = 5
SEED = 7
THRESHOLD = 0.5
Folds = list[tuple[np.ndarray, np.ndarray]]


def load_rows(path: Path, splits: Iterable[str] | None = None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    wanted = None if splits is None else set(splits)
    return [r for r in rows if wanted is None or r["split"] in wanted]


def training_rows() -> list[dict]:
    """The corpus plus every development split of the labelled set."""
    return load_rows(TRAIN_PATH) + load_rows(SET_PATH, DEV_SPLITS)


def design_matrix(rows: Sequence[dict]) -> csr_matrix:
    indptr, indices = [0], []
    for row in rows:
        _, idx = window_features(model_document(row["text"]), row["source"], windowed=False)
        indices.append(idx)
        indptr.append(indptr[-1] + len(idx))
    flat = np.concatenate(indices)
    norms = np.repeat([1 / np.sqrt(max(1, len(i))) for i in indices], [len(i) for i in indices])
    return csr_matrix((norms, flat, np.array(indptr)), shape=(len(rows), 1 << BITS))


def fit(
    x: csr_matrix, y: np.ndarray, c: float = C, weights: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    # The dual liblinear solver: ~0.5 s here (features >> rows), the primal one ~4 s.
    clf = LogisticRegression(
        C=c, class_weight="balanced", solver="liblinear", dual=True, tol=1e-6, random_state=SEED
    )
    clf.fit(x, y, sample_weight=weights)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def row_weights(rows: Sequence[dict]) -> np.ndarray:
    """Rows of the labelled set count DEV_WEIGHT times: they are the closest to the text a new
    split holds (leave-one-split-out recall rose by 1-4 points at the same FP with 3 vs 1; with
    five splits, 6 vs 3: model-alone recall 0.852 vs 0.843, FP 0.026 vs 0.030, all splits)."""
    return np.array([DEV_WEIGHT if r["split"] in DEV_SPLITS else 1.0 for r in rows])


def rule_scores(rows: Sequence[dict]) -> np.ndarray:
    return np.array([heuristic_score(r["text"], r["source"]).score for r in rows])


@dataclass(frozen=True)
class CrossValidation:
    logits: np.ndarray  # out-of-fold model logit per row
    rules: np.ndarray  # rule score per row
    labels: np.ndarray
    families: list[str]


def family_folds(rows: Sequence[dict], folds: int = FOLDS) -> Folds:
    """Whole families held out, attack and benign families spread evenly over the folds (a
    plain GroupKFold can hold out only attacks in one fold, whose logits then come from a
    model calibrated on a different class balance)."""
    fold_of: dict[str, int] = {}
    for label in (1, 0):
        sizes = Counter(r["family"] for r in rows if r["label"] == label)
        load = [0] * folds
        for family, size in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])):
            fold_of[family] = load.index(min(load))
            load[fold_of[family]] += size
    ids = np.array([fold_of[r["family"]] for r in rows])
    return [(np.flatnonzero(ids != k), np.flatnonzero(ids == k)) for k in range(folds)]


def line_folds(rows: Sequence[dict], folds: int = FOLDS) -> Folds:
    """Each corpus line held out once (stratified by label): new wording of known families.
    The corpus holds every line once, so no paraphrase group leaks across folds except what
    templates share on purpose."""
    y = np.array([r["label"] for r in rows])
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    return list(splitter.split(np.zeros(len(rows)), y))


def cross_validate(
    rows: Sequence[dict], splits: Folds, x: csr_matrix | None = None, c: float = C
) -> CrossValidation:
    """Out-of-fold logits, each computed by the run-time scorer (windows and all)."""
    x = design_matrix(rows) if x is None else x
    y = np.array([r["label"] for r in rows])
    logits = np.zeros(len(rows))
    for train_idx, test_idx in splits:
        weights, bias = fit(x[train_idx], y[train_idx], c)
        model = LinearModel(weights, bias, 0.0)
        logits[test_idx] = [
            model.decision_logit(rows[i]["text"], rows[i]["source"]) for i in test_idx
        ]
    return CrossValidation(logits, rule_scores(rows), y, [r["family"] for r in rows])


def choose_threshold(cv: CrossValidation, target_fpr: float = TARGET_FPR) -> float:
    """Lowest model logit threshold keeping the combined benign FP rate <= target_fpr."""
    benign = cv.labels == 0
    rule_fp = int(np.sum(benign & (cv.rules >= THRESHOLD)))
    free = np.sort(cv.logits[benign & (cv.rules < THRESHOLD)])[::-1]
    allowed = int(np.floor(target_fpr * benign.sum())) - rule_fp
    if allowed < 0 or not len(free):
        return float(free[0] + 1e-6) if len(free) else 0.0
    return float(free[min(allowed, len(free) - 1)] + 1e-6)


def confusion(flagged: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    pos, neg = labels == 1, labels == 0
    tp, fp = int(np.sum(flagged & pos)), int(np.sum(flagged & neg))
    return {
        "recall": tp / max(1, pos.sum()),
        "fpr": fp / max(1, neg.sum()),
        "tp": tp,
        "fp": fp,
        "pos": int(pos.sum()),
        "neg": int(neg.sum()),
    }


def cv_report(cv: CrossValidation, threshold: float) -> dict[str, dict[str, float]]:
    """Recall/FP of the rules alone, the model alone and the combination, out of fold."""
    rules = cv.rules >= THRESHOLD
    model = cv.logits >= threshold
    return {
        "rules": confusion(rules, cv.labels),
        "model": confusion(model, cv.labels),
        "combined": confusion(rules | model, cv.labels),
    }


def train(rows: Sequence[dict], threshold_logit: float, c: float = C) -> LinearModel:
    y = np.array([r["label"] for r in rows])
    weights, bias = fit(design_matrix(rows), y, c, row_weights(rows))
    return LinearModel(weights, bias, threshold_logit)


def leave_split_out(threshold_logit: float) -> dict[str, dict[str, dict[str, float]]]:
    """Per development split: fit on the corpus and the other splits, score this one. Model
    figures are out of sample; the rules were tuned on these splits, so "combined" is not."""
    out = {}
    for held in DEV_SPLITS:
        rows = load_rows(TRAIN_PATH) + load_rows(SET_PATH, [s for s in DEV_SPLITS if s != held])
        model = train(rows, threshold_logit)
        test = load_rows(SET_PATH, [held])
        labels = np.array([r["label"] for r in test])
        flagged = np.array(
            [model.decision_logit(r["text"], r["source"]) >= threshold_logit for r in test]
        )
        rules = rule_scores(test) >= THRESHOLD
        out[held] = {
            "model": confusion(flagged, labels),
            "combined": confusion(flagged | rules, labels),
        }
    return out
