"""Views of a text that undo common obfuscations, so the same rules can scan them again.

Two kinds:
- normalizers rewrite the text in place (zero-width removal, homoglyphs, leetspeak, letter
  spacing); their views are scanned once;
- decoders pull hidden payloads out (Unicode tag characters, base64, hex, URL/HTML escapes);
  a payload is scanned again with every view and decoder, up to a small depth, because
  attackers nest encodings (base64 inside a tag run, leetspeak inside base64, ...).
Each view is only built when a cheap precheck says the text could need it.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import unicodedata
import urllib.parse

_ZERO_WIDTH = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064")
)
_ZW_INTERLEAVED = re.compile(r"[A-Za-z][\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]+[A-Za-z]")
_TAG_RUN = re.compile(r"[\U000E0000-\U000E007F]+")
_FLAG_BASE = "\U0001f3f4"  # subdivision flags (England, Scotland) are the one benign use of tags
_MIXED_SCRIPT = re.compile(
    r"\S*[A-Za-z]\S*[\u0370-\u03ff\u0400-\u04ff]\S*|"
    r"\S*[\u0370-\u03ff\u0400-\u04ff]\S*[A-Za-z]\S*"
)
# Cyrillic and Greek letters that look like Latin ones (a subset of Unicode's confusables.txt).
# Applied only inside words that mix scripts, so Russian or Greek text is left alone.
_CONFUSABLE = str.maketrans(
    "аеёікмнорсуухіјѕԁһӏԛԝтвАВЕКМНОРСТХІЈЅУαονικρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeeikmhopcyyxijsdhlqwtbABEKMHOPCTXIJSYaovikptuxABEZHIKMNOPTYX",
)
_LEET_TOKEN = re.compile(r"(?<!\S)(?=\S*[A-Za-z])(?=\S*[013456789@$|!+])[A-Za-z0-9@$|!+]{3,}(?!\S)")
_LEET = str.maketrans("013456789@$|!+", "oieasgtbgasiit")
_SPACED = re.compile(r"\b(?:[A-Za-z][ .\-_*]){2,}[A-Za-z]\b")
_SPACED_SEP = re.compile(r"[ .\-_*]")
_B64_TOKEN = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}(?![A-Za-z0-9+/=_-])")
_HEX_TOKENS = re.compile(
    r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){10,}(?![0-9A-Fa-f])|(?:\\x[0-9A-Fa-f]{2}){6,}|"
    r"(?<![0-9A-Za-z])(?:0x)?[0-9A-Fa-f]{2}(?:[ ,:]+(?:0x)?[0-9A-Fa-f]{2}){9,}"
)
_HEX_DIGITS = re.compile(r"(?:\\x|0x)|[^0-9A-Fa-f]")
_ESCAPES = re.compile(r"%[0-9A-Fa-f]{2}|&#?\w{2,8};")
_JSON_ESCAPE = re.compile(r'\\(?:([nrt"/\\])|u([0-9a-fA-F]{4}))')
_JSON_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "/": "/", "\\": "\\"}
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_TOKENS = 16
_MAX_TOKEN_CHARS = 8_192


# A 5 MB page costs no more than this: its head and tail are scanned, the middle is not.
MAX_CHARS = 32_000
_HEAD = 24_000


def cap(text: str) -> str:
    """The first `_HEAD` and last `MAX_CHARS - _HEAD` characters of a text longer than
    `MAX_CHARS` (rules and model read the same part)."""
    if len(text) <= MAX_CHARS:
        return text
    return text[:_HEAD] + "\n" + text[-(MAX_CHARS - _HEAD) :]


def normalize(text: str) -> str:
    """Undo JSON string escaping (tool results are often JSON), then NFKC, which folds
    fullwidth and mathematical letters (ｉｇｎｏｒｅ, 𝐢𝐠𝐧𝐨𝐫𝐞) to plain ones."""
    if "\\" in text:
        text = _unescape_json(text)
    return unicodedata.normalize("NFKC", text) if not text.isascii() else text


def _unescape_json(text: str) -> str:
    out = _JSON_ESCAPE.sub(lambda m: _JSON_SIMPLE.get(m.group(1)) or chr(int(m.group(2), 16)), text)
    # \ud83d\ude00 pairs come out as lone surrogates: join them, drop any that stay unpaired.
    return (
        out.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        if _SURROGATE.search(out)
        else out
    )


def normalized_views(text: str) -> list[tuple[str, str]]:
    """(view name, text) pairs; "" is the text itself, the others exist only when they differ."""
    views = [("", text)]
    if not text.isascii():
        if _ZW_INTERLEAVED.search(text):
            views.append(("zero_width", text.translate(_ZERO_WIDTH)))
        if _MIXED_SCRIPT.search(text):
            unconfused = _MIXED_SCRIPT.sub(lambda m: m.group().translate(_CONFUSABLE), text)
            views.append(("homoglyph", unconfused))
    leet = _LEET_TOKEN.sub(_unleet, text)
    if leet != text:
        views.append(("leetspeak", leet))
    if _SPACED.search(text):
        views.append(("spaced", _SPACED.sub(lambda m: _SPACED_SEP.sub("", m.group()), text)))
    return views


def _unleet(match: re.Match[str]) -> str:
    token = match.group()
    # Only tokens with a real share of letters: "1gn0r3" and heavy "1n57ruc710n5" (5 letters of
    # 12) yes; "4096" (no letter: never a token) or "x86" (one letter) no.
    letters = sum(c.isalpha() for c in token)
    return token.translate(_LEET) if letters >= 2 and letters * 3 >= len(token) else token


def decoded_payloads(text: str) -> list[tuple[str, str]]:
    """Hidden payloads as (decoder name, decoded text)."""
    found: list[tuple[str, str]] = []
    tags = hidden_tag_text(text)
    if tags:
        found.append(("unicode_tags", tags))
    found += [("base64", t) for t in _decode_tokens(_B64_TOKEN, text, _b64)]
    found += [("hex", t) for t in _decode_tokens(_HEX_TOKENS, text, _hex)]
    if _ESCAPES.search(text):
        unescaped = html.unescape(urllib.parse.unquote(text))
        if unescaped != text:
            found.append(("url_escape", unescaped))
    return found


def hidden_tag_text(text: str) -> str:
    """ASCII smuggled as Unicode tag characters (U+E0020..E007E), flag sequences excluded."""
    if text.isascii():
        return ""
    parts = []
    for match in _TAG_RUN.finditer(text):
        if match.start() > 0 and text[match.start() - 1] == _FLAG_BASE:
            continue
        run = match.group()
        parts.append("".join(chr(ord(c) - 0xE0000) for c in run if 0xE0020 <= ord(c) <= 0xE007E))
    return " ".join(p for p in parts if p.strip())


def has_interleaved_zero_width(text: str) -> bool:
    return not text.isascii() and len(_ZW_INTERLEAVED.findall(text)) >= 3


def _decode_tokens(pattern: re.Pattern[str], text: str, decode) -> list[str]:
    out = []
    for n, match in enumerate(pattern.finditer(text)):
        if n >= _MAX_TOKENS:
            break
        decoded = decode(match.group()[:_MAX_TOKEN_CHARS])
        if decoded is not None and _looks_like_text(decoded):
            out.append(decoded)
    return out


def _b64(token: str) -> str | None:
    raw = token.rstrip("=")
    raw += "=" * (-len(raw) % 4)
    try:
        data = (
            base64.urlsafe_b64decode(raw)
            if ("-" in raw or "_" in raw)
            else base64.b64decode(raw, validate=True)
        )
        return data.decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def _hex(token: str) -> str | None:
    digits = _HEX_DIGITS.sub("", token.replace("\\x", "").replace("0x", ""))
    try:
        return bytes.fromhex(digits).decode("utf-8")
    except ValueError:
        return None


def _looks_like_text(decoded: str) -> bool:
    """Images, hashes and keys decode to bytes that are not mostly printable text with words."""
    if len(decoded) < 6:
        return False
    printable = sum(c.isprintable() or c in "\n\r\t" for c in decoded)
    letters = sum(c.isalpha() for c in decoded)
    return printable >= 0.95 * len(decoded) and letters >= 0.5 * len(decoded)
