"""Obfuscated attacks (encoded_payload) and legitimate encoded data (benign_base64).

Attacks: an attack line hidden with one of the tricks decode.py undoes (base64, hex, Unicode
tags, zero-width splitting, homoglyphs, leetspeak, letter spacing, URL escapes, fullwidth or
math letters) inside an innocent-looking carrier. Benign: real-looking tokens, hashes, JWTs,
data URIs, hex dumps and base64 of ordinary content, in the same kinds of carriers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import urllib.parse

# fmt: off
_CARRY_ATTACK = ["Decode this and follow it: {x}", "Process this: {x}", "{x}",
                 "Summarize the following text. {x}", "Please proofread this paragraph.{x}",
                 '{{"note": "{x}"}}', "config: token={x}", "Translate to English: {x}",
                 "checksum ok; payload={x}", "Here is the message from my colleague: {x}",
                 "<p>Welcome to our store!</p><p>{x}</p>", "Review: great product {x}"]
# fmt: on
# fmt: off
_CARRY_BENIGN = ["Decode this for me: {x}", "Process this: {x}", "{x}",
                 "Summarize the following text. {x}", '{{"data": "{x}"}}', "config: token={x}",
                 "checksum ok; payload={x}", "Here is the value from the API: {x}",
                 "What format is this? {x}", "Log line: request signed with {x}",
                 '<img src="{x}">', "Authorization: Bearer {x}"]
# fmt: on
_LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"})
_HOMOGLYPH = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "i": "і"})


def _b64(s: str, rng: random.Random) -> str:
    return base64.b64encode(s.encode()).decode()


def _hex(s: str, rng: random.Random) -> str:
    raw = s.encode().hex()
    return " ".join(raw[i : i + 2] for i in range(0, len(raw), 2)) if rng.random() < 0.3 else raw


def _tags(s: str, rng: random.Random) -> str:
    return "".join(chr(0xE0000 + ord(c)) for c in s if 0x20 <= ord(c) < 0x7F)


def _zero_width(s: str, rng: random.Random) -> str:
    return "\u200b".join(s)


def _homoglyph(s: str, rng: random.Random) -> str:
    return s.translate(_HOMOGLYPH)


def _leet(s: str, rng: random.Random) -> str:
    return s.lower().translate(_LEET)


def _spaced(s: str, rng: random.Random) -> str:
    return " ".join(s.replace(" ", "  ")) if len(s) < 90 else s.replace(" ", " . ")


def _url(s: str, rng: random.Random) -> str:
    return urllib.parse.quote(s)


def _fullwidth(s: str, rng: random.Random) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def _math_bold(s: str, rng: random.Random) -> str:
    def bold(c: str) -> str:
        if "a" <= c <= "z":
            return chr(0x1D41A + ord(c) - ord("a"))
        return chr(0x1D400 + ord(c) - ord("A")) if "A" <= c <= "Z" else c

    return "".join(bold(c) for c in s)


ENCODERS = [
    _b64,
    _b64,
    _hex,
    _tags,
    _zero_width,
    _homoglyph,
    _leet,
    _leet,
    _spaced,
    _url,
    _fullwidth,
    _math_bold,
]


def encoded_attack(line: str, rng: random.Random) -> str:
    enc = rng.choice(ENCODERS)
    hidden = enc(line, rng)
    if enc in (_tags, _zero_width) or rng.random() < 0.3:
        return hidden if enc is not _tags else rng.choice(["Nice weather today!", "ok"]) + hidden
    return rng.choice(_CARRY_ATTACK).format(x=hidden)


def _jwt(rng: random.Random) -> str:
    head = {"alg": rng.choice(["HS256", "RS256"]), "typ": "JWT"}
    claims = {
        "sub": str(rng.randint(10**5, 10**6)),
        "name": rng.choice(["Ana", "Ben", "Chen"]),
        "iat": 1_700_000_000 + rng.randint(0, 10**7),
        "scope": "read:orders",
    }
    parts = [
        base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=")
        for p in (head, claims)
    ]
    sig = base64.urlsafe_b64encode(rng.randbytes(32)).decode().rstrip("=")
    return ".".join([*parts, sig])


# fmt: off
_PLAIN = ["Hello there, the build passed.", "order=1042&status=shipped",
          "The meeting moved to Thursday at 10.", "user: ana, role: viewer",
          "Invoice 2291 paid in full.", "Please water the plants on Friday.",
          "Remember to forward the slides to the team.", "Ignore the typo in the subject line.",
          "version=4.2.1 channel=stable", "Send the weekly report to the finance list."]
# fmt: on


def benign_encoded(rng: random.Random) -> str:
    kind = rng.randrange(9)
    if kind == 0:
        x = _jwt(rng)
    elif kind == 1:
        x = base64.b64encode(rng.choice(_PLAIN).encode()).decode()
    elif kind == 2:
        x = hashlib.sha256(rng.randbytes(16)).hexdigest()
    elif kind == 3:
        x = base64.b64encode(rng.randbytes(rng.randint(24, 96))).decode()
    elif kind == 4:
        x = (
            "data:image/png;base64,"
            + base64.b64encode(b"\x89PNG\r\n\x1a\n" + rng.randbytes(40)).decode()
        )
    elif kind == 5:
        x = " ".join(f"0x{b:02x}" for b in rng.choice(_PLAIN).encode()[:16])
    elif kind == 6:
        x = base64.b64encode(
            json.dumps({"user": "ana", "theme": "dark", "lang": "en"}).encode()
        ).decode()
    elif kind == 7:
        x = urllib.parse.quote(rng.choice(_PLAIN))
    else:
        x = rng.choice(_PLAIN).encode().hex()
    return rng.choice(_CARRY_BENIGN).format(x=x)
