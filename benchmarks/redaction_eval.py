"""Recall per entity type and false-positive rate of the redactor on tests/redaction/eval_set.jsonl.

Run: /work/venv/bin/python benchmarks/redaction_eval.py [--misses]

Each snippet goes through `Redactor.redact_many`, the path production uses (JSON text is
parsed and its string leaves redacted). A labelled value counts as recalled only if it no
longer appears in the output AND every whitespace token it touched was changed (so
"Maria <PERSON>" is a miss). A false positive is a changed token that touches no labelled value.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

EVAL_SET = Path(__file__).resolve().parents[1] / "tests" / "redaction" / "eval_set.jsonl"
TOKEN = re.compile(r"\S+")
SECRETS = ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
           "GITHUB_TOKEN", "SLACK_TOKEN", "JWT", "BEARER_TOKEN", "PRIVATE_KEY", "PASSWORD",
           "SECRET")
STRUCTURED = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "IP_ADDRESS")
TARGETS = {**dict.fromkeys(SECRETS + STRUCTURED, 1.0), "PERSON": 0.9}
MAX_FP_RATE = 0.05


def load_eval_set(path: Path = EVAL_SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@dataclass
class Score:
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    benign_tokens: int = 0
    false_positives: int = 0
    misses: list[tuple[int, str, str]] = field(default_factory=list)
    fp_examples: list[tuple[int, str]] = field(default_factory=list)

    def recall(self, entity: str) -> float:
        return self.found[entity] / self.total[entity]

    @property
    def fp_rate(self) -> float:
        return self.false_positives / max(self.benign_tokens, 1)

    def overall_recall(self) -> float:
        return sum(self.found.values()) / sum(self.total.values())


def _changed_tokens(original: str, output: str) -> list[tuple[int, int, bool]]:
    """(start, end, changed) for each whitespace token of `original`."""
    tokens = list(TOKEN.finditer(original))
    matcher = difflib.SequenceMatcher(
        a=[t.group() for t in tokens], b=TOKEN.findall(output), autojunk=False
    )
    kept = {i for b in matcher.get_matching_blocks() for i in range(b.a, b.a + b.size)}
    return [(t.start(), t.end(), i not in kept) for i, t in enumerate(tokens)]


def _spans(text: str, value: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(value), text)]


def score_one(row: dict, output: str, score: Score) -> None:
    tokens = _changed_tokens(row["text"], output)
    labelled: list[tuple[int, int]] = []
    for label in row["entities"]:
        spans = _spans(row["text"], label["value"])
        labelled += spans
        touched = [t for t in tokens if any(t[0] < e and s < t[1] for s, e in spans)]
        ok = label["value"] not in output and all(changed for *_, changed in touched)
        score.total[label["entity"]] += 1
        score.found[label["entity"]] += ok
        if not ok:
            score.misses.append((row["id"], label["entity"], label["value"][:60]))
    for start, end, changed in tokens:
        if any(start < e and s < end for s, e in labelled):
            continue
        score.benign_tokens += 1
        if changed:
            score.false_positives += 1
            score.fp_examples.append((row["id"], row["text"][start:end]))


def evaluate(rows: list[dict], redact: Callable[[list[str]], list[str]]) -> Score:
    score = Score()
    for row, output in zip(rows, redact([r["text"] for r in rows]), strict=True):
        score_one(row, output, score)
    return score


def ours() -> Callable[[list[str]], list[str]]:
    from instrument.redaction import get_redactor

    redactor = get_redactor()
    return lambda texts: [r.text for r in redactor.redact_many(texts)]


def table(scores: dict[str, Score]) -> str:
    names = list(scores)
    lines = ["| entity | n | target | " + " | ".join(f"recall ({n})" for n in names) + " |",
             "|---|---|---|" + "---|" * len(names)]
    first = scores[names[0]]
    for entity in sorted(first.total, key=lambda e: (e not in SECRETS, e)):
        cells = " | ".join(f"{s.recall(entity):.1%}" for s in scores.values())
        target = f"{TARGETS.get(entity, 0):.0%}"
        lines.append(f"| {entity} | {first.total[entity]} | {target} | {cells} |")
    overall = " | ".join(f"{s.overall_recall():.1%}" for s in scores.values())
    lines.append(f"| **all** | {sum(first.total.values())} | | {overall} |")
    fps = " | ".join(f"{s.fp_rate:.2%} ({s.false_positives}/{s.benign_tokens})"
                     for s in scores.values())
    lines.append(f"| **false-positive tokens** | | ≤ {MAX_FP_RATE:.0%} | {fps} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list misses and false positives")
    args = parser.parse_args()
    rows = load_eval_set()
    score = evaluate(rows, ours())
    kinds = sorted({r["kind"] for r in rows})
    print(f"{len(rows)} snippets ({', '.join(kinds)}), "
          f"{sum(score.total.values())} labelled values")
    print(table({"tracevault": score}))
    failing = [e for e in score.total if score.recall(e) < TARGETS.get(e, 0)]
    print("targets:", "met" if not failing and score.fp_rate <= MAX_FP_RATE
          else f"NOT met ({', '.join(failing) or 'false positives'})")
    if args.misses:
        for miss in score.misses:
            print("miss", *miss)
        for fp in score.fp_examples:
            print("fp", *fp)


if __name__ == "__main__":
    main()
