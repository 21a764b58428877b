"""The evaluation set is well-formed, and the redactor meets the issue's targets on it."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from tests.redaction.build_eval_set import OUT, build

ROOT = Path(__file__).resolve().parents[2]


def _eval_module():
    spec = importlib.util.spec_from_file_location("redaction_eval",
                                                  ROOT / "benchmarks" / "redaction_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_eval_set_matches_generator_when_loaded() -> None:
    rows = [json.loads(line) for line in OUT.read_text().splitlines()]
    assert rows == build()
    assert sum(1 for r in rows if r["entities"]) >= 200
    assert {r["kind"] for r in rows} == {"prompt", "json", "tool_result", "code", "log", "benign"}
    assert all(e["value"] in r["text"] for r in rows for e in r["entities"])


def test_targets_met_when_redactor_runs_on_eval_set() -> None:
    ev = _eval_module()
    score = ev.evaluate(ev.load_eval_set(), ev.ours())
    recalls = {e: round(score.recall(e), 3) for e in score.total}
    assert {e: r for e, r in recalls.items() if r < ev.TARGETS[e]} == {}
    assert score.fp_rate <= ev.MAX_FP_RATE
