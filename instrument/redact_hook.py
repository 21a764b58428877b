"""The one redaction hook every piece of content passes through before it leaves the process.

It depends only on the agreed redactor interface — `redact_many(texts) -> [RedactionResult]`
with `.text` and `.entities` — and sends every string leaf of a whole batch of values in ONE
call. Structure (dict keys, numbers, booleans) is kept as is; strings are replaced by their
redacted text. Worker thread only.
"""

from __future__ import annotations

from typing import Any

__all__ = ["redact_values"]


def _collect(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for child in value.values():
            _collect(child, out)
    elif isinstance(value, list | tuple):
        for child in value:
            _collect(child, out)


def _rebuild(value: Any, results: Any, counts: dict[str, int]) -> Any:
    if isinstance(value, str):
        result = next(results)
        for entity, n in result.entities.items():
            counts[entity] = counts.get(entity, 0) + n
        return result.text
    if isinstance(value, dict):
        return {key: _rebuild(child, results, counts) for key, child in value.items()}
    if isinstance(value, list | tuple):
        return [_rebuild(child, results, counts) for child in value]
    return value


def redact_values(values: list[Any], redactor: Any) -> tuple[list[Any], list[dict[str, int]]]:
    """Redacted copies of `values` and per-value entity counts, from one `redact_many` call."""
    leaves: list[str] = []
    for value in values:
        _collect(value, leaves)
    results = redactor.redact_many(leaves) if leaves else []
    if len(results) != len(leaves):
        raise ValueError(f"redactor returned {len(results)} results for {len(leaves)} texts")
    iterator = iter(results)
    out: list[Any] = []
    counts: list[dict[str, int]] = []
    for value in values:
        found: dict[str, int] = {}
        out.append(_rebuild(value, iterator, found))
        counts.append(found)
    return out, counts
