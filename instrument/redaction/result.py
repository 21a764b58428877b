"""Value types the redactor hands out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RedactionResult:
    """Redacted text and how many of each entity type were replaced in it."""

    text: str
    entities: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One detected span of the original text (used for evaluation; never exported)."""

    entity: str
    start: int
    end: int
    score: float


def merge_counts(results: list[RedactionResult]) -> dict[str, int]:
    """Sum entity counts over several results, e.g. all content values of one span."""
    total: dict[str, int] = {}
    for result in results:
        for entity, count in result.entities.items():
            total[entity] = total.get(entity, 0) + count
    return total
