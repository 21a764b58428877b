"""The heuristic scorer: rules over views of the text, combined into one 0..1 score.

Scoring, in order:
1. The text is capped (head + tail) so a 5 MB page costs no more than `MAX_CHARS`.
2. Every rule runs on the text and on each normalized view; decoded payloads (tags, base64,
   hex, escapes) are scanned again recursively (`MAX_DEPTH`).
3. One weight per rule (its strongest hit). A rule that matched only after decoding gets
   `OBFUSCATION_BONUS` more: benign text has no reason to hide an instruction.
4. Quoted or reported phrases inside a discussion of attacks or inside code ("a payload such as
   'ignore previous instructions'"), and phrases inside a string literal passed to a function
   (`is_safe('...')`), are multiplied by `META_DAMPING`; so are phrases that `context.py`
   finds shown or reported in any text (diff lines, "if a user asks you to ...", a quote
   after "you'll see", a special token named in prose).
   In a text with `DISCUSSION_WORDS` or more of those words every phrase is damped, quoted or not.
5. score = 1 - prod(1 - weight): independent weak signals add up, one strong one suffices.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from analytics.injection.context import is_diff, quote_opening, reported
from analytics.injection.decode import (
    cap,
    decoded_payloads,
    has_interleaved_zero_width,
    normalize,
    normalized_views,
)
from analytics.injection.result import SOURCES, Hit, InjectionResult
from analytics.injection.rules import ENGLISH_RULES, Rule
from analytics.injection.rules_i18n import I18N_RULES

RULES: tuple[Rule, ...] = (*ENGLISH_RULES, *I18N_RULES)
_TRIGGERS = frozenset(t for r in RULES for t in r.triggers)
MAX_DEPTH = 2
OBFUSCATION_BONUS = 0.15
META_DAMPING = 0.25
SAME_FAMILY_FACTOR = 0.25
# A text with this many `_META_WORDS` discusses attacks or code: every phrase in it, quoted or
# not, in any view, counts as mentioned. Of ~3,300 attacks by five authors (corpus and labelled
# set) one reaches 3 and no rule flags it; the benign texts that do are articles, blog posts and
# test output about injection (3 rule FPs, 2 removed, both from the blind heldout5). The cost:
# an attack that wraps itself in three such words is left to the model.
DISCUSSION_WORDS = 3
_EXCERPT_SIDE = 60

# Words that mark a text as talking about attacks (or as code) rather than making one.
_META_WORDS = (
    "prompt injection",
    "prompt-injection",
    "jailbreak",
    "attack",
    "adversarial",
    "red team",
    "red-team",
    "redteam",
    "owasp",
    "llm01",
    "mitigat",
    "defens",
    "defenc",
    "detect",
    "classifier",
    "vulnerab",
    "researcher",
    "paper",
    "exploit",
    "malicious",
    "guardrail",
    "sanitiz",
    "benchmark",
    "dataset",
    "threat model",
    "filter",
    "payload",
    "unit test",
    "def ",
    "import ",
    "return ",
    "==",
    "re.compile",
    "const ",
    "=>",
    "regex",
    "pattern",
    "template",
    "untrusted",
    "incident",
    "phishing",
    "threat",
    "flagged",
)
_QUOTES = "\"'`“”‘’«»「」"
_REPORTED = re.compile(
    r"(?:\blike|such\s+as|e\.g\.|example[s:]?|phrases?|strings?|saying|says|said|\bto|"
    r"contain(?:s|ing)?|payloads?|as|words|text|prompts?|reads?|wrote|writes?)\W{0,3}$",
    re.IGNORECASE,
)
# "tries to override the system prompt", "asks the model to reveal ...": an attack described.
_TRYING = re.compile(
    r"\b(?:tr(?:y|ies|ied|ying)|attempt(?:s|ed|ing)?|(?:asks?|tells|instructs)\s+(?:\w+\s+){0,3}?|"
    r"trick(?:s|ed|ing)?\s+(?:\w+\s+){0,3}?into|get(?:s|ting)?\s+(?:\w+\s+){0,3}?)"
    r"(?:to\s+)?$",
    re.IGNORECASE,
)
# A template being defined: {system}, {{ prompt }}, {{ m.role }}, {{ m['content'] | trim }}, {% %}
_PLACEHOLDER = re.compile(r"\{\{-?\s*[\w.\[\]'\"]+\s*(?:\|[^{}]{0,40})?-?\}\}|\{%-?\s|\{[a-z_]+\}")
# A quoted phrase passed as an argument in code: is_safe('...'), detect("...", ...)
_CODE_ARG_LEFT = re.compile(r"[\w\]]\(\s*[rbfu]?([\"'`])[^\"'`\n]*$")
_CODE_ARG_RIGHT = re.compile(r"[^\"'`\n]*[\"'`]\s*[),]")
# Texts that document a chat template (a tokenizer config, a Jinja template, a prompt-format
# question): special tokens there are the subject, not a spoofed turn.
_TEMPLATE_DOC = re.compile(
    r"chat_template|(?:bos|eos|pad|unk)_token|special[_ ]tokens?|tokenizer|"
    r"prompt\s+(?:format|template|layout)|\{%|\{\{|\bformat\b|\blayout\b|"
    r"delimiter|\{[a-z_]+\}"
)
_SPACE = re.compile(r"\s+")
_CODE_TAGS = ("<code>", "<pre>", "<kbd>", "<samp>")
_TAG_RULE = "encoded_payload:unicode_tags"
_ZW_RULE = "encoded_payload:zero_width_interleaved"


def heuristic_score(text: str, source: str = "user") -> InjectionResult:
    if source not in SOURCES:
        raise ValueError(f"source must be one of {sorted(SOURCES)}, got {source!r}")
    text = cap(text)
    hits = _scan(normalize(text), source, MAX_DEPTH, "")
    best = _strongest_per_rule(hits)
    if not best:
        return InjectionResult(0.0, [], "")
    return InjectionResult(_combine(best), [h.reason for h in best], _excerpt(best[0]))


def discusses_attacks(text: str) -> bool:
    """The text talks about attacks or code (two or more `_META_WORDS`): an article, a policy,
    a talk summary. The model needs more evidence on such texts (`model.DISCUSSION_LIFT`)."""
    lowered = " ".join(normalize(cap(text)).lower().split())
    return sum(word in lowered for word in _META_WORDS) >= 2


def _combine(best: list[Hit]) -> float:
    """Noisy-OR; within a family every weight after the strongest counts a quarter (correlated).
    Of the quoted or reported hits only the strongest counts: a page that quotes five attack
    strings is one discussion of attacks, not five weak signs of one."""
    keep, seen, quoted = 1.0, set(), False
    for hit in best:  # strongest first
        if hit.mentioned and quoted:
            continue
        factor = SAME_FAMILY_FACTOR if hit.family in seen else 1.0
        keep *= 1.0 - hit.weight * factor
        seen.add(hit.family)
        quoted = quoted or hit.mentioned
    return round(1.0 - keep, 4)


def _scan(text: str, source: str, depth: int, prefix: str) -> list[Hit]:
    hits: list[Hit] = []
    lowered = " ".join(text.lower().split())
    meta = sum(word in lowered for word in _META_WORDS)
    context = (_TEMPLATE_DOC.search(lowered) is not None, is_diff(text), meta >= DISCUSSION_WORDS)
    for view, view_text in normalized_views(text):
        view_lowered = lowered if not view else " ".join(view_text.lower().split())
        hits += _match(
            view_text, view_lowered, source, _join(prefix, view), 0 if view else meta, context
        )
    if has_interleaved_zero_width(text):
        hits.append(Hit(_join(prefix, _ZW_RULE), "encoded_payload", 0.3, text, 0, 0))
    if depth > 0:
        for decoder, payload in decoded_payloads(text):
            if decoder == "unicode_tags":
                w = 0.55 if source == "user" else 0.6
                reason = _join(prefix, _TAG_RULE)
                hits.append(Hit(reason, "encoded_payload", w, payload, 0, len(payload)))
            hits += _scan(normalize(payload), source, depth - 1, _join(prefix, decoder))
    return hits


def _match(
    text: str,
    lowered: str,
    source: str,
    view: str,
    meta: int,
    context: tuple[bool, bool, bool] = (False, False, False),
) -> Iterable[Hit]:
    """context: (the text documents a chat template, is a diff, is a discussion)."""
    template_doc, diff, discussion = context
    present = {t for t in _TRIGGERS if t in lowered}
    for rule in RULES:
        if present.isdisjoint(rule.triggers):
            continue
        m = rule.pattern.search(text)
        if m is None:
            continue
        mentioned = (
            discussion
            or (meta and _mentioned(text, m.start(), m.end(), meta))
            or _code_argument(text, m.start(), m.end())
            or (template_doc and rule.family == "template_spoofing")
            or reported(text, m.start(), m.end(), rule.name, diff)
        )
        weight = rule.weight(source) * (META_DAMPING if mentioned else 1.0)
        reason = _join(view, rule.reason)
        yield Hit(reason, rule.family, weight, text, m.start(), m.end(), bool(mentioned))


def _mentioned(text: str, start: int, end: int, meta: int) -> bool:
    """A phrase quoted in a text about attacks or code, or reported ("tells it to ...")."""
    left = text[max(0, start - 60) : start]
    # The match may begin with the opening quote itself (`<code>"AI assistant: ...`).
    near = text[max(0, start - 3) : start + 1] + text[end : end + 3]
    if any(q in near for q in _QUOTES) or _PLACEHOLDER.search(text, start, end + 120):
        return True
    if quote_opening(text, start, end) is not None or text.endswith(_CODE_TAGS, 0, start):
        return True
    if _TRYING.search(left):
        return True
    return meta >= 2 and _REPORTED.search(left) is not None


def _code_argument(text: str, start: int, end: int) -> bool:
    """The match sits in a string literal handed to a function (`is_safe('...')`): code that
    tests or handles the phrase, not a command."""
    return (
        _CODE_ARG_LEFT.search(text, max(0, start - 80), start) is not None
        and _CODE_ARG_RIGHT.match(text, end, end + 80) is not None
    )


def _join(prefix: str, name: str) -> str:
    return f"{prefix}>{name}" if prefix and name else prefix or name


def _strongest_per_rule(hits: list[Hit]) -> list[Hit]:
    """One hit per rule. Plain-text hits win; a rule seen only after decoding gets the bonus."""
    plain: dict[str, Hit] = {}
    hidden: dict[str, Hit] = {}
    for hit in hits:
        rule_id = hit.reason.rsplit(">", 1)[-1]
        bucket = hidden if ">" in hit.reason else plain
        if rule_id not in bucket or hit.weight > bucket[rule_id].weight:
            bucket[rule_id] = hit
    best = list(plain.values())
    for rule_id, hit in hidden.items():
        if rule_id not in plain:
            boosted = min(1.0, hit.weight + OBFUSCATION_BONUS)
            best.append(dataclasses.replace(hit, weight=boosted))
    return sorted(best, key=lambda h: (-h.weight, h.reason))


def _excerpt(hit: Hit) -> str:
    """A window around the match; for decoded payloads the decoded text, labelled by decoder."""
    start, end = max(0, hit.start - _EXCERPT_SIDE), min(len(hit.view_text), hit.end + _EXCERPT_SIDE)
    window = _SPACE.sub(" ", hit.view_text[start:end]).strip()
    window = ("…" if start > 0 else "") + window + ("…" if end < len(hit.view_text) else "")
    views = hit.reason.rsplit(">", 1)[0] if ">" in hit.reason else ""
    return f"[{views}] {window}" if views else window
