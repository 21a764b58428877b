"""Credential formats as regexes (for the `regex` module), one entity type each.

Lookbehinds (the `regex` module allows variable width) keep
the key names in the text (`password=<PASSWORD>`) so a reader still sees what was there.
"""

from __future__ import annotations

_KEY_WORDS = (
    r"secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key"
    r"|auth[_-]?key|credentials?|session[_-]?key|signing[_-]?key|x-api-key"
)
_PASS_WORDS = r"password|passwd|passphrase|pass|pwd"
# A key (optionally quoted, possibly JSON-escaped) followed by `=`, `:` or ` is `.
_ASSIGN = r"\b[\w.-]*?(?:{words})\\?[\"']?\s*(?:[:=]|\s+is\s+)\s*"
# Values that are not secrets: empty markers, references to where the secret lives, our tags.
_NOT_A_VALUE = (
    r"(?!(?i:null|none|true|false|undefined|\*{3,}|x{3,}|redacted)\b)(?![<$/{%])"
    r"(?![\w.]+[\[(])"  # code reading the secret from elsewhere: os.environ[...], getenv(...)
)


def _assignment(words: str) -> list[str]:
    key = _ASSIGN.format(words=words)
    return [
        rf"(?i:(?<={key}\\?\"){_NOT_A_VALUE})[^\"\\\n]{{3,200}}(?=\\?\")",
        rf"(?i:(?<={key}'){_NOT_A_VALUE})[^'\n]{{3,200}}(?=')",
        rf"(?i:(?<={key}){_NOT_A_VALUE})(?![\"'\\])[^\s\"',;&}})\]\\]{{3,200}}",
        rf"(?i:(?<=--(?:{words})[= ]){_NOT_A_VALUE})[^\s\"']{{3,200}}",
    ]


SECRET_PATTERNS: dict[str, list[str]] = {
    "ANTHROPIC_API_KEY": [r"\bsk-ant-[A-Za-z0-9_\-]{20,}"],
    "OPENAI_API_KEY": [r"\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"],
    "AWS_ACCESS_KEY_ID": [r"\b(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b"],
    "AWS_SECRET_ACCESS_KEY": [
        # 40 base64 chars with upper, lower and digit: rules out git SHAs and plain words.
        r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])"
        r"(?=[A-Za-z0-9/+]{0,39}[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
    ],
    "GITHUB_TOKEN": [r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b", r"\bgithub_pat_\w{22,}"],
    "SLACK_TOKEN": [
        r"\bxox[abposre]-[A-Za-z0-9-]{10,}",
        r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]{20,}",
    ],
    "JWT": [r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}"],
    "BEARER_TOKEN": [r"(?i:(?<=\bbearer\s+))(?!<)[A-Za-z0-9._~+/\-]{12,}=*"],
    "PRIVATE_KEY": [
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END[A-Z0-9 ]*PRIVATE KEY"
        r"(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\]*)",
    ],
    # scheme://user:password@host — the password only.
    "PASSWORD": [
        r"(?i:(?<=\b[a-z][a-z0-9+.\-]*://[^\s:/@]*:))[^\s@/]{1,200}(?=@)",
        *_assignment(_PASS_WORDS),
    ],
    "SECRET": _assignment(_KEY_WORDS),
}
# Specific credential formats win over the generic assignment rules when spans overlap.
SPECIFIC_SECRETS = frozenset(SECRET_PATTERNS) - {"PASSWORD", "SECRET"}
