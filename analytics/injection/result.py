"""Value types shared by the detector, the pluggable scorers and the findings job."""

from __future__ import annotations

from dataclasses import dataclass, field

SOURCES = frozenset({"user", "tool_result", "fetched"})


@dataclass(frozen=True)
class InjectionResult:
    """What one scan found.

    score: 0..1, higher is more likely an injection (0.5 is the default finding threshold).
    reasons: one entry per matched rule, strongest first, e.g.
        "instruction_override:ignore_previous" or "base64>system_prompt_extraction:reveal_prompt".
    excerpt: a short window of the (already redacted) text around the strongest match.
    """

    score: float
    reasons: list[str] = field(default_factory=list)
    excerpt: str = ""


@dataclass(frozen=True)
class Hit:
    """One rule matching one view of the text (internal to the detector)."""

    reason: str
    family: str
    weight: float
    view_text: str
    start: int
    end: int
    mentioned: bool = False  # quoted or reported, so weighed down (META_DAMPING)
