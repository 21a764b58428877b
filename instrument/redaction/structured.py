"""Redact every string inside nested values: dicts, lists and JSON documents held in strings.

Message parts, tool arguments and tool results arrive as JSON text (often JSON inside JSON).
Each value is expanded once, its string leaves are collected across *all* values so the
recognizers see them in one batch, and the values are rebuilt in the same order. Leaves are
what the cache keys on, so a conversation resent with one new message costs one new leaf.

Keys carry context a leaf alone lacks: under a credential key (`"password": "hunter2"`) a value
nothing recognized is replaced whole; under a person key (`"cardholder": "Ana Souza"`) a value
shaped like a name is a PERSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from instrument.redaction.replace import tag
from instrument.redaction.result import RedactionResult

LeafRedactor = Callable[[list[str]], list[RedactionResult]]

_SECRET_KEY = re.compile(
    r"(?:^|[_\-.])(?:password|passwd|pwd|passphrase|secret|token|api_?key|apikey|access_?key"
    r"|private_?key|secret_?key|authorization|credentials?|cookie)$",
    re.IGNORECASE,
)
_PERSON_KEY = re.compile(
    r"(?:^|[_\-.])(?:(?:full|first|last|given|family|display|contact|customer|user)_?name|name"
    r"|cardholder|holder|author|assignee|recipient|sender|owner|employee|patient|applicant)$",
    re.IGNORECASE,
)
_NAME_SHAPE = re.compile(r"[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,3}")
# Integers this long may be card, phone or account numbers written without quotes.
_MIN_DIGITS = 7


@dataclass
class _Json:
    """A string that held a JSON document; rebuilt by serializing the redacted document."""

    doc: Any
    original: str
    parsed: Any


@dataclass
class _Keyed:
    """A value whose key names what it is; replaced whole unless a recognizer did better."""

    entity: str
    raw: str


def _parse_json(text: str) -> Any:
    stripped = text.lstrip()
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return doc if isinstance(doc, dict | list) else None


def _keyed(value: Any, key: str) -> _Keyed | None:
    if isinstance(value, bool) or not isinstance(value, str | int) or not key:
        return None
    if _SECRET_KEY.search(key):
        return _Keyed("PASSWORD" if re.search(r"pass|pwd", key, re.I) else "SECRET", str(value))
    if isinstance(value, str) and _PERSON_KEY.search(key) and _NAME_SHAPE.fullmatch(value):
        return _Keyed("PERSON", value)
    return None


def _expand(value: Any, key: str = "") -> Any:
    keyed = _keyed(value, key)
    if keyed is not None:
        return keyed
    if isinstance(value, str):
        doc = _parse_json(value)
        return value if doc is None else _Json(_expand(doc), value, doc)
    if isinstance(value, dict):
        return {k: _expand(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_expand(v) for v in value]
    return value


def _is_long_int(value: Any) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return len(str(abs(value))) >= _MIN_DIGITS


def _collect(node: Any, out: list[str]) -> None:
    if isinstance(node, str):
        out.append(node)
    elif _is_long_int(node):
        out.append(str(node))
    elif isinstance(node, _Keyed):
        out.append(node.raw)
    elif isinstance(node, _Json):
        _collect(node.doc, out)
    elif isinstance(node, dict | list):
        for child in node.values() if isinstance(node, dict) else node:
            _collect(child, out)


class _Rebuilder:
    """Walks an expanded value in `_collect` order, taking one redacted leaf per string."""

    def __init__(self, results: list[RedactionResult], hash_key: bytes | None) -> None:
        self._results = iter(results)
        self._hash_key = hash_key
        self.counts: dict[str, int] = {}

    def _take(self) -> RedactionResult:
        result = next(self._results)
        for entity, n in result.entities.items():
            self.counts[entity] = self.counts.get(entity, 0) + n
        return result

    def build(self, node: Any) -> Any:
        if isinstance(node, str):
            return self._take().text
        if _is_long_int(node):
            result = self._take()
            return result.text if result.entities else node
        if isinstance(node, _Keyed):
            result = self._take()
            if result.entities:
                return result.text
            self.counts[node.entity] = self.counts.get(node.entity, 0) + 1
            return tag(node.entity, node.raw, self._hash_key)
        if isinstance(node, _Json):
            doc = self.build(node.doc)
            # Unchanged documents keep their original formatting.
            return node.original if doc == node.parsed else json.dumps(doc, ensure_ascii=False)
        if isinstance(node, dict):
            return {k: self.build(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self.build(v) for v in node]
        return node


def redact_values(
    values: list[Any], redact_leaves: LeafRedactor, hash_key: bytes | None
) -> tuple[list[Any], list[dict[str, int]]]:
    """Redacted copies of `values` and the entity counts of each, in one leaf batch."""
    expanded = [_expand(v) for v in values]
    leaves: list[list[str]] = []
    for node in expanded:
        leaves.append([])
        _collect(node, leaves[-1])
    results = iter(redact_leaves([text for group in leaves for text in group]))
    out: list[Any] = []
    counts: list[dict[str, int]] = []
    for node, group in zip(expanded, leaves, strict=True):
        rebuilder = _Rebuilder([next(results) for _ in group], hash_key)
        out.append(rebuilder.build(node))
        counts.append(rebuilder.counts)
    return out, counts
