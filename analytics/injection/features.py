"""Hashed n-gram features for the learned scorer, computed with a few numpy array operations.

What is hashed, for one document (lowercased, whitespace collapsed):
- character 3-, 4- and 5-grams (they carry morphology, other scripts and obfuscated spellings);
- word unigrams and bigrams (\\w runs; a CJK run counts as one word, the char n-grams cover it);
- one token for the source ("user", "tool_result", "fetched").
Features are binary and the vector is L2-normalized, like sklearn's HashingVectorizer with
`binary=True`. Why not HashingVectorizer itself: it costs ~1.3 ms per short text here (its
Python analyzer and per-call validation), five times the whole rule scan; these array
operations cost a fraction of that and give the same kind of features. Hashes are fixed 64-bit
polynomial hashes, so train and run time agree in every process (Python's `hash` is salted).

The document the model reads is the normalized text plus every view the rules read (`decode.py`:
de-obfuscated views and decoded payloads), so a base64 or leetspeak attack shows its words.
Long documents are cut into overlapping windows at two scales (`SCALES`) and scored one by
one, so a short injection in the middle of an email or a 20 KB page is not drowned by the rest.
"""

from __future__ import annotations

import functools

import numpy as np

from analytics.injection.decode import cap, decoded_payloads, normalize, normalized_views

BITS = 18
SCALES = ((600, 300),)  # (window, stride); a second, 240-char scale cost FPs in CV
CHAR_NGRAMS = (3, 4, 5)
_MAX_DEPTH = 2
_MASK = (1 << 64) - 1
_P = 0x100000001B3  # FNV-64 prime: odd, so it has an inverse mod 2**64
_P_INV = pow(_P, -1, 1 << 64)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier: top bits become the index
_BIGRAM = np.uint64(0xC2B2AE3D27D4EB4F)
_SALT = {n: np.uint64((0xA24BAED4963EE407 * (n + 1)) & _MASK) for n in (*CHAR_NGRAMS, 0, 1, 2)}
_SALTS = np.array([_SALT[n] for n in (*CHAR_NGRAMS, 1, 2)], dtype=np.uint64)
_SIZES = np.array(CHAR_NGRAMS)
_SHIFT = np.uint64(64 - BITS)


def _powers(base: int, n: int) -> np.ndarray:
    out = np.empty(n, dtype=np.uint64)
    value = 1
    for i in range(n):
        out[i] = value
        value = (value * base) & _MASK
    return out


_TABLES: list[np.ndarray] = []


def _tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Powers of P and of its inverse, grown on demand (windows keep n small at run time)."""
    if not _TABLES or len(_TABLES[0]) <= n:
        size = max(n + 1, 2 * SCALES[0][0])
        _TABLES[:] = [_powers(_P, size), _powers(_P_INV, size)]
    return _TABLES[0], _TABLES[1]


# Word characters, for code points below U+10000: ASCII letters, digits and "_", and everything
# above U+007F except Latin-1, general, CJK and fullwidth punctuation (simple on purpose).
_WORD = np.ones(0x10000, dtype=bool)
_WORD[:128] = False
for _c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_":
    _WORD[ord(_c)] = True
for _lo, _hi in ((0xA0, 0xBF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFF0F)):
    _WORD[_lo : _hi + 1] = False


def _word_mask(codes: np.ndarray) -> np.ndarray:
    return _WORD[np.minimum(codes, 0xFFFF)] | (codes > 0xFFFF)


def _index(hashes: np.ndarray, salt: np.ndarray | np.uint64) -> np.ndarray:
    return (((hashes ^ salt) * _MIX) >> _SHIFT).astype(np.int64)


def _ngrams(doc: str) -> tuple[np.ndarray, np.ndarray]:
    """(start position, feature index) of every n-gram of the document. One hash per n-gram:
    h(s[i:j]) = (prefix[j] - prefix[i]) * P**i, from prefix sums of code * P**-k."""
    codes = np.frombuffer(doc.encode("utf-32-le", "replace"), dtype=np.uint32).astype(np.uint64)
    n = len(codes)
    pw, pw_inv = _tables(n)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(codes * pw_inv[:n], out=prefix[1:])
    counts = [max(0, n - size + 1) for size in CHAR_NGRAMS]
    starts = np.concatenate([np.arange(c) for c in counts])
    ends = starts + np.repeat(_SIZES, counts)
    edges = np.flatnonzero(np.diff(_word_mask(codes), prepend=False, append=False))
    starts, ends = np.concatenate((starts, edges[0::2])), np.concatenate((ends, edges[1::2]))
    hashes = (prefix[ends] - prefix[starts]) * pw[starts]
    words = hashes[sum(counts) :]
    hashes = np.concatenate((hashes, words[:-1] * _BIGRAM + words[1:]))
    salts = np.repeat(_SALTS, [*counts, len(words), max(0, len(words) - 1)])
    pos = np.concatenate((starts, starts[sum(counts) : -1] if len(words) else starts[:0]))
    return pos, _index(hashes, salts)


def window_features(doc: str, source: str, windowed: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Unique (window, feature index) pairs, sorted. At each scale of SCALES, windows start
    every `stride` chars and span `2 * stride`, so each n-gram falls in one or two of them.
    A document that fits one window (or `windowed=False`) is window 0 alone."""
    pos, idx = _ngrams(doc)
    src = _source_index(source)
    if not windowed or len(doc) <= SCALES[0][0]:
        keys = np.sort(np.append(idx, src))
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        return np.zeros(len(keys), dtype=np.int64), keys
    wins, sels, count = [], [], 0
    for window, stride in SCALES:
        if count and len(doc) <= window:
            continue
        win, sel, n = _windows(pos, len(doc), window, stride)
        wins.append(win + count)
        sels.append(sel)
        count += n
    win = np.concatenate(wins)
    idx = idx[np.concatenate(sels)]
    keys = np.sort(
        np.concatenate((win, np.arange(count))) << BITS
        | np.concatenate((idx, np.full(count, src, dtype=np.int64)))
    )
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys >> BITS, keys & ((1 << BITS) - 1)


def _windows(
    pos: np.ndarray, length: int, window: int, stride: int
) -> tuple[np.ndarray, np.ndarray, int]:
    count = max(1, -(-(length - window) // stride) + 1)
    last = np.minimum(pos // stride, count - 1)
    prev = last - 1
    keep = (prev >= 0) & (pos < prev * stride + window)
    return (
        np.concatenate((last, prev[keep])),
        np.concatenate((np.arange(len(pos)), np.flatnonzero(keep))),
        count,
    )


@functools.lru_cache(maxsize=8)
def _source_index(source: str) -> int:
    value = 0
    for ch in source:
        value = (value * _P + ord(ch)) & _MASK
    return int(_index(np.array([value], dtype=np.uint64), _SALT[0])[0])


def model_document(text: str) -> str:
    """The text and what the rules' views reveal in it, lowercased with whitespace collapsed."""
    text = normalize(cap(text))
    pieces = [view for _, view in normalized_views(text)]
    pieces += _payloads(text, _MAX_DEPTH)
    return " ".join(" \n ".join(pieces).lower().split())


def _payloads(text: str, depth: int) -> list[str]:
    found = []
    for _, payload in decoded_payloads(text):
        payload = normalize(payload)
        found += [view for _, view in normalized_views(payload)]
        if depth > 1:
            found += _payloads(payload, depth - 1)
    return found
