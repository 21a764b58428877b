"""Presidio recognizers over plain regexes: credentials, name cues and the user's own patterns.

Presidio's PatternRecognizer takes its regex flags from each `analyze` call (IGNORECASE by
default), which would make case-sensitive key formats (AKIA...) match lowercase prose; this
recognizer compiles its own flags.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from instrument.redaction.config import CustomRecognizer
from instrument.redaction.person import PERSON_CUE_PATTERN
from instrument.redaction.secrets import SECRET_PATTERNS


class RegexRecognizer(LocalRecognizer):
    """Presidio recognizer over precompiled regexes, one entity type each."""

    def __init__(self, patterns: dict[str, Sequence[str]], name: str, score: float = 1.0):
        self._compiled = [
            (entity, regex.compile(p, regex.DOTALL)) for entity, ps in patterns.items() for p in ps
        ]
        self._score = score
        super().__init__(supported_entities=list(patterns), name=name, supported_language="en")

    def load(self) -> None:
        """Nothing to load: patterns are compiled in the constructor."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        wanted = set(entities)
        return [
            RecognizerResult(entity, m.start(), m.end(), self._score)
            for entity, pattern in self._compiled
            if entity in wanted
            for m in pattern.finditer(text)
            if m.end() > m.start()
        ]


def secret_recognizer() -> RegexRecognizer:
    return RegexRecognizer(SECRET_PATTERNS, name="tracevault-secrets")


def custom_recognizer(custom: Iterable[CustomRecognizer]) -> RegexRecognizer | None:
    patterns: dict[str, list[str]] = {}
    for item in custom:
        patterns.setdefault(item.entity, []).append(item.pattern)
    return RegexRecognizer(patterns, name="tracevault-custom") if patterns else None


def person_cue_recognizer() -> RegexRecognizer:
    return RegexRecognizer({"PERSON": [PERSON_CUE_PATTERN]}, name="tracevault-person-cues",
                           score=0.6)
