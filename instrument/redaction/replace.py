"""Turn detected spans into replacement tags: `<EMAIL_ADDRESS>` or `<EMAIL_ADDRESS:3f2a9c>`."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from instrument.redaction.result import Finding, RedactionResult

HASH_CHARS = 6


def tag(entity: str, value: str, hash_key: bytes | None) -> str:
    """The replacement for one value; keyed so a dictionary attack needs the key."""
    if hash_key is None:
        return f"<{entity}>"
    digest = hmac.new(hash_key, value.encode(), hashlib.sha256).hexdigest()
    return f"<{entity}:{digest[:HASH_CHARS]}>"


def resolve_overlaps(findings: Iterable[Finding], rank: dict[str, int]) -> list[Finding]:
    """Non-overlapping spans. Of two overlapping findings the higher-ranked one wins alone
    (a token in `https://ghp_...@github.com` is not an email); equal ranks merge into one
    covering span, so no character either recognizer flagged survives."""
    merged: list[Finding] = []
    for item in sorted(findings, key=lambda f: (f.start, -f.end)):
        last = merged[-1] if merged else None
        if last is None or item.start >= last.end:
            merged.append(item)
            continue
        last_rank, item_rank = rank.get(last.entity, 0), rank.get(item.entity, 0)
        if item_rank != last_rank:
            merged[-1] = item if item_rank > last_rank else last
            continue
        best = max(last, item, key=lambda f: (f.score, f.end - f.start))
        merged[-1] = Finding(best.entity, last.start, max(last.end, item.end), best.score)
    return merged


def apply(
    text: str, findings: Iterable[Finding], rank: dict[str, int], hash_key: bytes | None
) -> RedactionResult:
    parts: list[str] = []
    counts: dict[str, int] = {}
    cursor = 0
    for f in resolve_overlaps(findings, rank):
        parts.append(text[cursor : f.start])
        parts.append(tag(f.entity, text[f.start : f.end], hash_key))
        counts[f.entity] = counts.get(f.entity, 0) + 1
        cursor = f.end
    if not counts:
        return RedactionResult(text, {})
    parts.append(text[cursor:])
    return RedactionResult("".join(parts), counts)
