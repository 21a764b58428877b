"""A bounded, content-addressed cache of redaction results.

Agents resend the whole conversation on every call, so the same message text arrives again
and again; keyed by a digest, each distinct text is analyzed once. Only the digest and the
redacted result are kept: the cache holds no raw text.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from instrument.redaction.result import RedactionResult


def content_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class ResultCache:
    """Thread-safe LRU map from content digest to RedactionResult."""

    def __init__(self, max_entries: int) -> None:
        self._max = max_entries
        self._items: OrderedDict[bytes, RedactionResult] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: bytes) -> RedactionResult | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: bytes, result: RedactionResult) -> None:
        if self._max == 0:
            return
        with self._lock:
            self._items[key] = result
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
