"""Train the prompt-injection model and write `analytics/injection/data/model.npz`.

    /work/venv/bin/python tools/train_injection_model.py [--out PATH] [--check]

1. Cross-validates on the corpus (`data/train.jsonl`): by line, where the operating threshold
   is chosen (benign FP <= TARGET_FPR, 2%, for rules + model), and grouped by family, reported
   only.
2. Leaves each development split of the labelled set out in turn (fit on the corpus and the
   other splits): the model's figures on text written by someone else.
3. Fits the final model on the corpus plus the development splits (weighted DEV_WEIGHT).
4. Writes the weights (float16, numpy .npz, no pickle), or with --check compares them with the
   shipped file and exits 1 if they differ.
Deterministic: fixed fold seed, a deterministic solver, hashed features with fixed hashes.
Needs scikit-learn (training only; scoring needs numpy).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from analytics.injection import training
from analytics.injection.model import MODEL_PATH, LinearModel, read_model


def describe(name: str, cv: training.CrossValidation, threshold: float) -> None:
    for part, m in training.cv_report(cv, threshold).items():
        print(
            f"  [{name}] {part:8s} recall {m['recall']:.3f}  FP rate {m['fpr']:.3f}  "
            f"(TP {m['tp']}/{m['pos']}, FP {m['fp']}/{m['neg']})"
        )


def cross_validation() -> float:
    rows = training.load_rows(training.TRAIN_PATH)
    x = training.design_matrix(rows)
    by_line = training.cross_validate(rows, training.line_folds(rows), x)
    threshold = training.choose_threshold(by_line)
    print(
        f"corpus: {len(rows)} rows; threshold logit {threshold:.4f} "
        f"(benign FP <= {training.TARGET_FPR} by line)"
    )
    describe("by line", by_line, threshold)
    describe("by family", training.cross_validate(rows, training.family_folds(rows), x), threshold)
    return threshold


def same(a: LinearModel, b: LinearModel) -> bool:
    return (
        np.array_equal(a.weights.astype(np.float16), b.weights.astype(np.float16))
        and abs(a.bias - b.bias) < 1e-9
        and abs(a.threshold_logit - b.threshold_logit) < 1e-9
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--check", action="store_true", help="compare with the shipped model")
    args = parser.parse_args()
    start = time.perf_counter()
    threshold = cross_validation()
    for split, parts in training.leave_split_out(threshold).items():
        for part, m in parts.items():
            print(
                f"  [leave {split} out] {part:8s} recall {m['recall']:.3f}  FP rate "
                f"{m['fpr']:.3f}  (TP {m['tp']}/{m['pos']}, FP {m['fp']}/{m['neg']})"
            )
    rows = training.training_rows()
    model = training.train(rows, threshold)
    print(
        f"final model: {len(rows)} rows, {np.count_nonzero(model.weights)} non-zero weights, "
        f"bias {model.bias:.4f}, {time.perf_counter() - start:.1f} s"
    )
    if args.check:
        ok = same(model, read_model(args.out))
        print("matches the shipped model" if ok else "DIFFERS from the shipped model")
        return 0 if ok else 1
    model.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
