"""The rule type shared by the English and the other-language tables.

Each rule is a precompiled regex with a weight per source: "user" text is typed by the person
the agent serves, while "tool_result"/"fetched" text comes from a third party (the indirect
path). Instructions aimed at the model are normal from a user and almost never legitimate inside
a tool result, so several rules weigh more on the indirect path. Weights combine in
`detector.py`; a single rule of weight >= 0.5 is enough for a finding at the 0.5 threshold.

`triggers` are lowercase substrings of which at least one must occur for the rule to be able
to match at all. Checking them with `in` is far cheaper than running ~100 regexes over a long
tool result, so a rule only runs when one of its triggers is present. A trigger list that
misses a way the regex can match would silently lose recall: keep them necessary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The weight of a rule whose benign look-alikes recur across authors: below the 0.5 threshold
# alone, so it needs a second rule or the model to make a finding. Given to the rules that
# fired on benign rows of authors they were not tuned on (dev7, once the blind heldout5, and
# the corpus): "what are your instructions for the desk", "AI: use ..." in a changelog,
# "repeat the text above" in search results. Leave-one-split-out at the old model threshold,
# with the discussion rule (detector.DISCUSSION_WORDS): dev5/dev6/dev7 attacks found unchanged,
# dev7 benign FP 10 -> 6 of 131, corpus rule FPs 23 -> 15 of 1,655. With the model off, the
# rules alone now miss 13 more of the 712 dev attacks (all found with the model on).
CORROBORATE = 0.45


@dataclass(frozen=True)
class Rule:
    family: str
    name: str
    triggers: tuple[str, ...]
    pattern: re.Pattern[str]
    user_weight: float
    indirect_weight: float
    lang: str = "en"

    @property
    def reason(self) -> str:
        suffix = "" if self.lang == "en" else f"[{self.lang}]"
        return f"{self.family}:{self.name}{suffix}"

    def weight(self, source: str) -> float:
        return self.user_weight if source == "user" else self.indirect_weight


def rule(
    family: str,
    name: str,
    triggers: str | tuple[str, ...],
    pattern: str,
    user: float,
    indirect: float | None = None,
    lang: str = "en",
) -> Rule:
    """triggers: "a|b|c", or a tuple when a trigger itself contains "|"."""
    found = tuple(triggers.split("|")) if isinstance(triggers, str) else triggers
    if not all(found):
        raise ValueError(f"rule {family}:{name} has an empty trigger")
    weight = user if indirect is None else indirect
    return Rule(family, name, found, re.compile(pattern, re.IGNORECASE), user, weight, lang)


# Only qualifier words may sit between the verb and the object, so "ignore the typo in the
# instructions" does not read as "ignore the instructions".


# Words that name the model: "assistant", "AI", "LLM", ... (shared by several tables).
AI = (
    r"(?:ai|a\.i\.|assistant|llm|(?:large\s+)?language\s+model|chat\s?bot|bot|agent|"
    r"gpt|chatgpt|claude|gemini|copilot|automated\s+(?:system|agent|tool|reader|process))"
)

# The families the tables of other languages use, in the order they unpack them (_O, _R, ...).
I18N_FAMILIES = (
    "instruction_override",
    "role_hijack",
    "system_prompt_extraction",
    "exfiltration",
    "tool_coercion",
)
# An address, a URL or a redaction tag (<EMAIL_ADDRESS>); not any "<", which HTML is full of.
I18N_SINK = r"\S*(?:@|https?://|<[a-z]+_[a-z_]+)"
