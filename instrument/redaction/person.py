"""Make the small NER model's PERSON spans usable, and catch names it misses after clear cues.

en_core_web_sm runs spans across line breaks ("Chloe Dubois\\nSSN"), tags code and lowercase
fragments ("def test_signup", "eu-west-1"), and often finds only one half of a name ("Ana
<PERSON>"). Each PERSON span is cut at line breaks, kept only if it holds a Title-case word,
and a lone word is widened to an adjacent Title-case word.
"""

from __future__ import annotations

import regex

from instrument.redaction.result import Finding

_TITLE_WORD = r"[A-Z][a-z'’\-]+"
_HAS_TITLE_WORD = regex.compile(rf"\b{_TITLE_WORD}")
_LINE = regex.compile(r"[^\n\r\t]+")
_LEFT = regex.compile(rf"(?<![\w.])({_TITLE_WORD}) $")
_RIGHT = regex.compile(rf"^ ({_TITLE_WORD})(?![\w@])")
# Salutations and titles sit next to names but are not part of them.
_NOT_NAMES = frozenset({"Dear", "Hi", "Hello", "Hey", "Mr", "Mrs", "Ms", "Dr", "Prof", "Sir",
                        "Madam", "Thanks", "Thank", "Regards", "Best", "Cheers", "Team"})
_WINDOW = 40

# Two or three Title-case words right after a word that introduces a person.
_CUES = (r"dear|hi|hello|hey|mr\.?|mrs\.?|ms\.?|dr\.?|prof\.?|attn|b?cc|name[sd]?|signed by"
         r"|assigned to|contact|customer|employee|patient|applicant|cardholder|holder|author"
         r"|owner|recipient|sender")
PERSON_CUE_PATTERN = (
    rf"(?<=\b(?i:{_CUES})[:=]?\s+[\"']?)(?!(?:{'|'.join(_NOT_NAMES)})\b)"
    rf"{_TITLE_WORD}(?: {_TITLE_WORD}){{1,2}}(?![\w@])"
)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".'’"):
        end -= 1
    return start, end


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    if " " in text[start:end]:
        return start, end
    left = _LEFT.search(text[max(0, start - _WINDOW) : start])
    if left and left.group(1) not in _NOT_NAMES:
        return start - len(left.group(0)), end
    right = _RIGHT.match(text[end : end + _WINDOW])
    if right and right.group(1) not in _NOT_NAMES:
        return start, end + len(right.group(0))
    return start, end


def refine_person(text: str, finding: Finding) -> list[Finding]:
    """The usable parts of one NER PERSON span (possibly none)."""
    parts = []
    for line in _LINE.finditer(text, finding.start, finding.end):
        start, end = _trim(text, line.start(), line.end())
        if start < end and _HAS_TITLE_WORD.search(text, start, end):
            start, end = _widen(text, start, end)
            parts.append(Finding("PERSON", start, end, finding.score))
    return parts
