"""The process-wide redactor: cache first, then one batched Presidio pass over the misses."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from instrument.redaction.cache import ResultCache, content_key
from instrument.redaction.config import RedactionConfig
from instrument.redaction.person import refine_person
from instrument.redaction.replace import apply
from instrument.redaction.result import Finding, RedactionResult
from instrument.redaction.structured import redact_values

if TYPE_CHECKING:
    from presidio_analyzer import BatchAnalyzerEngine, RecognizerResult

# Overlap winner: user rules, then specific credential formats, then generic assignments, PII.
_RANK_CUSTOM, _RANK_SPECIFIC, _RANK_GENERIC = 4, 3, 2
# Texts this short cannot hold any entity we look for; skipping them avoids NLP overhead.
_MIN_LENGTH = 3


class Redactor:
    """Redacts PII and secrets from texts. Thread-safe; build through `get_redactor()`.

    The Presidio engine loads lazily on the first text that misses the cache, so creating a
    Redactor is cheap and the slow load happens on whichever worker thread redacts first.
    """

    def __init__(self, config: RedactionConfig | None = None) -> None:
        self.config = config or RedactionConfig()
        self.cache = ResultCache(self.config.cache_size)
        self._engine: BatchAnalyzerEngine | None = None
        self._engine_lock = threading.Lock()
        self._rank = self._build_rank()

    def redact(self, text: str) -> RedactionResult:
        return self.redact_many([text])[0]

    def redact_many(self, texts: list[str]) -> list[RedactionResult]:
        """Redact each text. JSON texts are redacted leaf by leaf (see `structured`), and every
        text or leaf already seen (in this call or earlier ones) is served from the cache."""
        keys = [content_key(t) for t in texts]
        done = {k: r for k in set(keys) if (r := self.cache.get(k)) is not None}
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in done}
        values, counts = self.redact_values(list(todo.values()))
        for key, value, found in zip(todo, values, counts, strict=True):
            done[key] = RedactionResult(value, found)
            self.cache.put(key, done[key])
        return [done[k] for k in keys]

    def redact_values(self, values: list[Any]) -> tuple[list[Any], list[dict[str, int]]]:
        """Redacted copies of nested values (str, JSON text, dict, list) and counts per value."""
        return redact_values(values, self._redact_leaves, self.config.hash_key)

    def find(self, texts: list[str]) -> list[list[Finding]]:
        """Detected spans per text, uncached (evaluation and debugging; never exported)."""
        if not texts:
            return []
        engine = self._analyzer()
        cfg = self.config
        # spaCy's nlp.pipe is not documented as thread-safe; one analysis at a time.
        with self._engine_lock:
            batches = engine.analyze_iterator(
                texts, language="en", batch_size=cfg.batch_size,
                score_threshold=cfg.score_threshold, allow_list=list(cfg.allow_list) or None,
            )
            return [_findings(text, rs) for text, rs in zip(texts, batches, strict=True)]

    def _redact_leaves(self, texts: list[str]) -> list[RedactionResult]:
        keys = [content_key(t) for t in texts]
        done: dict[bytes, RedactionResult] = {}
        todo: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if len(text) < _MIN_LENGTH:
                done[key] = RedactionResult(text)
            elif key not in done and key not in todo:
                cached = self.cache.get(key)
                done.update({key: cached} if cached else {})
                todo.update({} if cached else {key: text})
        for (key, text), spans in zip(todo.items(), self.find(list(todo.values())), strict=True):
            done[key] = apply(text, spans, self._rank, self.config.hash_key)
            self.cache.put(key, done[key])
        return [done[k] for k in keys]

    def _analyzer(self) -> BatchAnalyzerEngine:
        with self._engine_lock:
            if self._engine is None:
                from presidio_analyzer import BatchAnalyzerEngine

                from instrument.redaction.engine import build_analyzer

                self._engine = BatchAnalyzerEngine(build_analyzer(self.config))
            return self._engine

    def _build_rank(self) -> dict[str, int]:
        from instrument.redaction.secrets import SECRET_PATTERNS, SPECIFIC_SECRETS

        rank = {e: _RANK_GENERIC for e in SECRET_PATTERNS}
        rank.update({e: _RANK_SPECIFIC for e in SPECIFIC_SECRETS})
        rank.update({c.entity: _RANK_CUSTOM for c in self.config.custom_recognizers})
        return rank


def _findings(text: str, results: list[RecognizerResult]) -> list[Finding]:
    found: list[Finding] = []
    for r in results:
        finding = Finding(r.entity_type, r.start, r.end, r.score)
        found.extend(refine_person(text, finding) if r.entity_type == "PERSON" else [finding])
    return found


_lock = threading.Lock()
_redactor: Redactor | None = None


def get_redactor(config: RedactionConfig | None = None) -> Redactor:
    """The process-wide redactor. A different `config` replaces it (and its cache)."""
    global _redactor
    with _lock:
        if _redactor is None or (config is not None and config != _redactor.config):
            _redactor = Redactor(config)
        return _redactor
