"""Precision/recall of the injection scorer (rules + learned model) on the labelled set, grouped
cross-validation of the model on its training corpus, and scan throughput.

    /work/venv/bin/python benchmarks/injection_eval.py [--set PATH] [--errors] [--no-cv]

Prints, for every split found in the set and then for `all`, at thresholds 0.5 and 0.8:
precision, recall, false-positive rate, recall per attack family and per source. Splits: dev,
dev2 ... dev7 were tuned on (dev3 was the first held-out split, dev4 was `heldout2`, dev5 was
`heldout3`: 130 attacks, 128 benign look-alikes, written blind by another author and scored
once at recall 0.800, FP rate 0.094; dev6 was `heldout4`: 130 attacks, 130 benign, a third
author, scored once at recall 0.931, FP rate 0.054; dev7 was `heldout5`: 129 attacks, 131
benign, a fourth author, scored once at recall 0.899, FP rate 0.076) and are in the model's
training data, so their figures are in-sample; the honest figure for a new author is the
leave-one-split-out output of `tools/train_injection_model.py`. Any `heldout*` split is held
out and prints last: `heldout6` (133 attacks, 131 benign) was written blind by a fifth author
after all tuning and scored once, and `heldout7` (130 attacks, 129 benign) by a sixth author
after the detector was frozen, also scored once: the shipped detector's out-of-sample
figures. Then the cross-validation of the model on `analytics/injection/data/train.jsonl` (by
line and grouped by family, at the shipped threshold; needs scikit-learn), then texts/s of
`score_text` with and without the model (wall and CPU time) on the set and on synthetic 2 KB
and 20 KB tool results.
"""

from __future__ import annotations

import argparse
import functools
import json
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from analytics.injection import score_text, shipped_model

DEFAULT_SET = Path(__file__).resolve().parent.parent / "tests" / "analytics" / "injection_set.jsonl"
THRESHOLDS = (0.5, 0.8)


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def metrics(rows: list[dict], scores: list[float], threshold: float) -> dict:
    tp = sum(1 for r, s in zip(rows, scores, strict=True) if r["label"] == 1 and s >= threshold)
    fp = sum(1 for r, s in zip(rows, scores, strict=True) if r["label"] == 0 and s >= threshold)
    pos = sum(r["label"] for r in rows)
    neg = len(rows) - pos
    return {
        "tp": tp,
        "fp": fp,
        "pos": pos,
        "neg": neg,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / pos if pos else 0.0,
        "fpr": fp / neg if neg else 0.0,
    }


def recall_by(rows: list[dict], scores: list[float], threshold: float, key: str) -> dict:
    hit: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r, s in zip(rows, scores, strict=True):
        if r["label"] == 1:
            hit[r[key]][0] += s >= threshold
            hit[r[key]][1] += 1
    return {k: f"{v[0]}/{v[1]}" for k, v in sorted(hit.items())}


def report(name: str, rows: list[dict], scores: list[float]) -> None:
    for t in THRESHOLDS:
        m = metrics(rows, scores, t)
        print(
            f"[{name}] threshold {t}: n={len(rows)} ({m['pos']} attacks, {m['neg']} benign)  "
            f"precision {m['precision']:.3f}  recall {m['recall']:.3f}  FP rate {m['fpr']:.3f}  "
            f"(TP {m['tp']}, FP {m['fp']})"
        )
        print(f"    recall by family: {recall_by(rows, scores, t, 'family')}")
        print(f"    recall by source: {recall_by(rows, scores, t, 'source')}")


def errors(rows: list[dict], scores: list[float], threshold: float) -> None:
    for r, s in zip(rows, scores, strict=True):
        if (r["label"] == 1) != (s >= threshold):
            kind = "MISS" if r["label"] else "FALSE+"
            reasons = score_text(r["text"], source=r["source"]).reasons
            print(
                f"{kind} {s:.2f} [{r['split']}/{r['family']}/{r['source']}] {reasons} "
                f"{r['text'][:140]!r}"
            )


def throughput(label: str, texts: list[tuple[str, str]], repeat: int) -> None:
    for model in (False, True):
        fn: Callable[..., object] = functools.partial(score_text, model=model)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(repeat):
            for text, source in texts:
                fn(text, source=source)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        n = len(texts) * repeat
        chars = sum(len(t) for t, _ in texts) * repeat
        print(
            f"throughput {label}, {'rules + model' if model else 'rules only'}: "
            f"{n / wall:,.0f} texts/s wall, {n / cpu:,.0f} texts/s CPU, "
            f"{chars / wall / 1e6:.2f} MB/s ({n} texts, {wall:.2f} s)"
        )


def cross_validation() -> None:
    from analytics.injection import training  # scikit-learn: only needed here

    rows = training.load_rows(training.TRAIN_PATH)
    x = training.design_matrix(rows)
    threshold = shipped_model().threshold_logit
    for name, folds in (
        ("by line", training.line_folds(rows)),
        ("grouped by family", training.family_folds(rows)),
    ):
        cv = training.cross_validate(rows, folds, x)
        for part, m in training.cv_report(cv, threshold).items():
            print(
                f"[corpus CV {name}] {part}: n={len(rows)} recall {m['recall']:.3f}  "
                f"FP rate {m['fpr']:.3f}  (TP {m['tp']}/{m['pos']}, FP {m['fp']}/{m['neg']})"
            )


def synthetic(size: int) -> str:
    line = (
        '{"id": 1042, "title": "Quarterly report", "status": "open", "owner": "team-a", '
        '"notes": "Revenue grew 4% and churn fell; see the appendix for details."}\n'
    )
    return (line * (size // len(line) + 1))[:size]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--errors", action="store_true", help="list misclassified rows at 0.5")
    parser.add_argument("--no-cv", action="store_true", help="skip the corpus cross-validation")
    args = parser.parse_args()
    rows = load(args.set)
    scores = [score_text(r["text"], source=r["source"]).score for r in rows]
    for split in sorted({r["split"] for r in rows}, key=lambda n: (n.startswith("heldout"), n)):
        idx = [i for i, r in enumerate(rows) if r["split"] == split]
        report(split, [rows[i] for i in idx], [scores[i] for i in idx])
    report("all", rows, scores)
    if args.errors:
        errors(rows, scores, 0.5)
    if not args.no_cv:
        cross_validation()
    mean = sum(len(r["text"]) for r in rows) // len(rows)
    throughput(f"labelled set (mean {mean} chars)", [(r["text"], r["source"]) for r in rows], 5)
    throughput("2 KB tool results", [(synthetic(2_000), "tool_result")] * 200, 1)
    throughput("20 KB tool results", [(synthetic(20_000), "tool_result")] * 20, 1)


if __name__ == "__main__":
    main()
