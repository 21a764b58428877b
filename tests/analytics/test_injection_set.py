"""The labelled injection set: its coverage and the pinned confusion counts per split."""

from __future__ import annotations

from collections import Counter

import pytest

from analytics.injection import score_text
from tests.analytics.injection_cases import ATTACK_FAMILIES, load_set

pytestmark = pytest.mark.usefixtures("rules_only")


def test_labelled_set_has_enough_rows_in_every_family() -> None:
    rows = load_set()
    assert all(set(r) == {"text", "label", "family", "source", "split"} for r in rows)
    assert {r["source"] for r in rows} == {"user", "tool_result", "fetched"}
    attacks = Counter(r["family"] for r in rows if r["label"] == 1)
    assert set(attacks) == ATTACK_FAMILIES
    assert sum(attacks.values()) >= 150
    assert min(attacks.values()) >= 20
    assert sum(1 for r in rows if r["label"] == 0) >= 150
    assert len({r["text"] for r in rows}) == len(rows)


@pytest.mark.parametrize("model", [False, True])
def test_labelled_set_confusion_counts_are_pinned_per_split(model: bool) -> None:
    # Exact counts at threshold 0.5, so any rule or model change shows its effect on each split.
    # "dev".."dev3" were tuned on; "dev4" (once "heldout2") was scored once before the model
    # existed, then tuned on; "dev5" (once "heldout3", written blind by another author) was
    # scored once (rules + model: recall 0.800, FP 0.094), then tuned on; "dev6" (once
    # "heldout4", a third author) was scored once (recall 0.931, FP 0.054), then tuned on;
    # "dev7" (once "heldout5", a fourth author) was scored once (recall 0.899, FP 0.076), then
    # used to pick the rules that need corroboration (rule_types.CORROBORATE).
    # All seven are in the model's training data, so with the model these counts are
    # in-sample: the honest figures are leave-one-split-out (tools/train_injection_model.py).
    # Rules alone miss more than before: weak rules now need the model or a second rule.
    # "heldout6" was written blind by a fifth author after all of that and scored once (recall
    # 0.940, FP 0.038); "heldout7" by a sixth author, after the shipped detector was frozen,
    # scored once (recall 0.915, FP 0.023). They are the out-of-sample figures: never tune on them.
    counts: dict[str, Counter] = {}
    for row in load_set():
        flagged = score_text(row["text"], source=row["source"], model=model).score >= 0.5
        kind = {(1, True): "tp", (1, False): "fn", (0, True): "fp", (0, False): "tn"}
        counts.setdefault(row["split"], Counter())[kind[(row["label"], flagged)]] += 1
    dev4 = Counter(tp=69, fn=0, fp=0, tn=80) if model else Counter(tp=49, fn=20, fp=0, tn=80)
    dev5 = Counter(tp=130, fn=0, fp=0, tn=128) if model else Counter(tp=51, fn=79, fp=0, tn=128)
    dev6 = Counter(tp=130, fn=0, fp=0, tn=130) if model else Counter(tp=50, fn=80, fp=0, tn=130)
    dev7 = Counter(tp=129, fn=0, fp=4, tn=127) if model else Counter(tp=49, fn=80, fp=3, tn=128)
    heldout6 = Counter(tp=125, fn=8, fp=5, tn=126) if model else Counter(tp=58, fn=75, fp=2, tn=129)
    heldout7 = (
        Counter(tp=119, fn=11, fp=3, tn=126) if model else Counter(tp=43, fn=87, fp=2, tn=127)
    )
    short = (0, 0, 0) if model else (1, 0, 2)  # rules alone: misses on dev, dev2, dev3
    assert counts == {
        "dev": Counter(tp=103 - short[0], fn=short[0], fp=0, tn=87),
        "dev2": Counter(tp=85 - short[1], fn=short[1], fp=0, tn=81),
        "dev3": Counter(tp=66 - short[2], fn=short[2], fp=0, tn=55),
        "dev4": dev4,
        "dev5": dev5,
        "dev6": dev6,
        "dev7": dev7,
        "heldout6": heldout6,
        "heldout7": heldout7,
    }
