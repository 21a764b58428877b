"""Redaction throughput on a multi-turn agent trace stream: tracevault vs Presidio's defaults.

Run: /work/venv/bin/python benchmarks/redaction.py [--conversations 10] [--turns 8]

The stream: each conversation resends its whole history on every turn (as agents do), so each
`chat` span carries `gen_ai.input.messages` (all messages so far, JSON) and
`gen_ai.output.messages`, and each `execute_tool` span its arguments and result. Messages are
snippets of tests/redaction/eval_set.jsonl, so the stream holds labelled PII and secrets.

Contenders, same input, same process, engines loaded before timing:
- tracevault: `Redactor.redact_many` over every content string of a batch of 64 spans (the
  exporter's batch), fresh cache at the start;
- tracevault, cache off: the same with `cache_size=0`, to show what the cache contributes;
- presidio default: `AnalyzerEngine()` (every predefined recognizer, full spaCy pipeline of the
  same offline sm model, since the default lg model cannot be downloaded here) +
  `AnonymizerEngine().anonymize`, one content string at a time.
Recall = share of labelled values (all occurrences) absent from the redacted stream.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redaction_eval import load_eval_set

BATCH = 64
Span = list[str]  # the content strings of one span


def _text(role: str, content: str) -> dict:
    return {"role": role, "parts": [{"type": "text", "content": content}]}


def build_stream(conversations: int, turns: int) -> tuple[list[Span], list[str]]:
    """Spans (content strings each) and every labelled value placed in them."""
    rows = load_eval_set()
    by_kind = {k: [r for r in rows if r["kind"] == k] for k in {r["kind"] for r in rows}}
    rng = random.Random(7)
    spans: list[Span] = []
    values: list[str] = []
    for _ in range(conversations):
        history: list[dict] = []
        for _ in range(turns):
            ask = rng.choice(by_kind["prompt"] + by_kind["benign"])
            call = rng.choice(by_kind["json"])
            result = rng.choice(by_kind["tool_result"] + by_kind["log"] + by_kind["code"])
            answer = rng.choice(by_kind["benign"])["text"]
            values += [e["value"] for r in (ask, call, result) for e in r["entities"]]
            history.append(_text("user", ask["text"]))
            spans.append([call["text"], result["text"]])  # execute_tool span
            history += [{"role": "assistant", "parts": [{"type": "tool_call", "id": "t",
                                                         "name": "tool",
                                                         "arguments": call["text"]}]},
                        {"role": "tool", "parts": [{"type": "tool_call_response", "id": "t",
                                                    "response": result["text"]}]}]
            output = [_text("assistant", answer)]
            spans.append([json.dumps(history), json.dumps(output)])  # chat span
            history += output
    return spans, values


def run_ours(spans: list[Span], cache_size: int) -> list[str]:
    from instrument.redaction import RedactionConfig, Redactor

    redactor = Redactor(RedactionConfig(cache_size=cache_size))
    redactor.find(spans[0])  # load the engine and compile lazy regexes; find() fills no cache
    out: list[str] = []
    for i in range(0, len(spans), BATCH):
        texts = [t for span in spans[i : i + BATCH] for t in span]
        out += [r.text for r in redactor.redact_many(texts)]
    return out


def presidio_default(warm_up: list[str]) -> Callable[[str], str]:
    import tldextract.tldextract as tld
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    from instrument.redaction.engine import SPACY_MODEL, _offline_tld_extractor
    tld.TLD_EXTRACTOR = _offline_tld_extractor()
    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
    }).create_engine()
    analyzer, anonymizer = AnalyzerEngine(nlp_engine=nlp), AnonymizerEngine()
    for text in warm_up:
        analyzer.analyze(text, language="en")

    def redact(text: str) -> str:
        found = analyzer.analyze(text, language="en")
        return anonymizer.anonymize(text=text, analyzer_results=found).text

    return redact


def _forms(value: str) -> set[str]:
    """A value as written, JSON-escaped (inside a resent history) and unescaped."""
    forms = {value, json.dumps(value)[1:-1]}
    with contextlib.suppress(ValueError):  # not every labelled value is JSON-escaped
        forms.add(json.loads(f'"{value}"'))
    return forms


def measure(name: str, run: Callable[[], list[str]], spans: list[Span], values: list[str],
            mb: float) -> dict:
    start = time.perf_counter()
    out = run()
    seconds = time.perf_counter() - start
    blob = "\n".join(out)
    leaked = sum(1 for v in values if any(form in blob for form in _forms(v)))
    return {"name": name, "seconds": seconds, "mb_s": mb / seconds,
            "spans_s": len(spans) / seconds, "recall": 1 - leaked / len(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--turns", type=int, default=8)
    args = parser.parse_args()
    spans, values = build_stream(args.conversations, args.turns)
    mb = sum(len(t.encode()) for span in spans for t in span) / 1e6
    print(f"stream: {len(spans)} spans, {mb:.2f} MB of content, {len(values)} labelled values")
    peer = presidio_default(spans[0])
    results = [
        measure("tracevault", lambda: run_ours(spans, 8192), spans, values, mb),
        measure("tracevault, cache off", lambda: run_ours(spans, 0), spans, values, mb),
        measure("presidio default", lambda: [peer(t) for s in spans for t in s], spans, values,
                mb),
    ]
    base = results[-1]["mb_s"]
    print("| contender | seconds | MB/s | spans/s | × presidio default | recall on stream |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['name']} | {r['seconds']:.2f} | {r['mb_s']:.3f} | {r['spans_s']:.0f} | "
              f"{r['mb_s'] / base:.1f} | {r['recall']:.1%} |")


if __name__ == "__main__":
    main()
