"""Regenerate `eval_set.jsonl`: labelled snippets of agent traffic for the redaction evaluation.

Run: /work/venv/bin/python -m tests.redaction.build_eval_set
Deterministic (seeded); every credential is random and fake. Each line is
`{"id", "kind", "text", "entities": [{"entity", "value"}]}` where every `value` is an exact
substring of `text`. Kinds: prompt, json (tool arguments), tool_result, code, log, benign.
"""

from __future__ import annotations

import base64
import json
import random
import string
from pathlib import Path

from tests.redaction.eval_templates import BENIGN, TEMPLATES

OUT = Path(__file__).with_name("eval_set.jsonl")
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"

NAMES = [
    "Maria Garcia", "Wei Zhang", "Priya Natarajan", "Olusegun Adeyemi", "Sarah O'Connor",
    "Daniel Kowalski", "Aiko Tanaka", "Lars Johansson", "Fatima Al-Sayed", "James Whitfield",
    "Chloe Dubois", "Rahul Mehta", "Emily Carter", "Mateo Rossi", "Hannah Becker",
    "Kwame Mensah", "Sofia Petrova", "Liam Murphy", "Ana Souza", "Thomas Anderson",
    "Grace Kim", "Noah Williams", "Isabel Navarro", "Jonas Weber", "Olivia Bennett",
]
DOMAINS = ["example.com", "acme-corp.io", "mail.contoso.org", "globex.co.uk", "initech.net"]
PHONES = [
    "(415) 555-0132", "+1 212 555 0187", "+44 20 7946 0958", "650-555-0199", "+49 30 901820",
    "+1-303-555-0144", "020 7946 0321", "(312) 555-0110", "+91 98765 43210", "415.555.0175",
]
CARDS = [
    "4111 1111 1111 1111", "5500-0000-0000-0004", "4242424242424242", "3782 822463 10005",
    "6011 1111 1111 1117", "5105105105105100", "4012 8888 8888 1881", "5555 5555 5555 4444",
]
IBANS = [
    "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "FR1420041010050500013M02606",
    "NL91ABNA0417164300", "ES9121000418450200051332", "GB33BUKB20201555555555",
]
IPS = ["10.0.3.17", "192.168.1.254", "203.0.113.42", "172.16.20.9", "2001:db8::8a2e:370:7334",
       "198.51.100.23", "fe80::1ff:fe23:4567:890a"]
PASSWORDS = ["Tr0ub4dor&3", "hunter2hunter2", "S3cure!Passw0rd", "qwerty-9981-zx", "pa55w0rd!x",
             "correct-horse-42", "Winter2024!", "n0t-s0-s3cret"]


def rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def ssn(rng: random.Random) -> str:
    area = rng.choice([n for n in range(101, 665) if n != 666])
    return f"{area:03d}-{rng.randint(10, 99):02d}-{rng.randint(1000, 9999):04d}"


def jwt(rng: random.Random) -> str:
    head = b64url({"alg": "HS256", "typ": "JWT"})
    issued = rng.randint(1_600_000_000, 1_800_000_000)
    body = b64url({"sub": rand(rng, string.digits, 8), "iat": issued})
    return f"{head}.{body}.{rand(rng, ALNUM + '-_', 43)}"


def pem(rng: random.Random) -> str:
    lines = [rand(rng, B64, 64) for _ in range(5)]
    body = "\n".join(lines)
    return f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"


def values(rng: random.Random) -> dict[str, str]:
    """One fresh value per slot name used in the templates."""
    name = rng.choice(NAMES)
    first, last = name.split(" ", 1)
    return {
        "PERSON": name, "PERSON2": rng.choice([n for n in NAMES if n != name]),
        "EMAIL_ADDRESS": f"{first.lower()}.{last.lower().replace(' ', '')}@{rng.choice(DOMAINS)}"
        .replace("'", ""),
        "PHONE_NUMBER": rng.choice(PHONES), "CREDIT_CARD": rng.choice(CARDS),
        "US_SSN": ssn(rng), "IBAN_CODE": rng.choice(IBANS), "IP_ADDRESS": rng.choice(IPS),
        "ANTHROPIC_API_KEY": f"sk-ant-api03-{rand(rng, ALNUM + '-_', 93)}AA",
        "OPENAI_API_KEY": f"sk-proj-{rand(rng, ALNUM + '-_', 56)}",
        "AWS_ACCESS_KEY_ID": "AKIA" + rand(rng, string.ascii_uppercase + "234567", 16),
        "AWS_SECRET_ACCESS_KEY": rand(rng, "ABCDEFGH", 1) + rand(rng, "abcdef", 1)
        + rand(rng, "0123", 1) + rand(rng, B64, 37),
        "GITHUB_TOKEN": "ghp_" + rand(rng, ALNUM, 36),
        "SLACK_TOKEN": f"xoxb-{rand(rng, string.digits, 12)}-{rand(rng, string.digits, 13)}-"
        + rand(rng, ALNUM, 24),
        "JWT": jwt(rng), "BEARER_TOKEN": rand(rng, ALNUM + "._-", 40),
        "PRIVATE_KEY": pem(rng), "PASSWORD": rng.choice(PASSWORDS),
        "SECRET": rand(rng, ALNUM, 32),
    }


def instantiate(template: dict[str, object], rng: random.Random) -> dict[str, object]:
    """Fill a template's `{SLOT}`s; JSON templates escape values the way a serializer would."""
    vals = values(rng)
    text = str(template["text"])
    labels = []
    for slot in template["slots"]:  # type: ignore[union-attr]
        raw = vals[slot]
        shown = json.dumps(raw)[1:-1] if template["kind"] in ("json", "tool_result") else raw
        text = text.replace("{" + slot + "}", shown)
        labels.append({"entity": slot.rstrip("2"), "value": shown})
    for label in labels:
        assert label["value"] in text, (template, label)
    return {"kind": template["kind"], "text": text, "entities": labels}


def build() -> list[dict[str, object]]:
    rng = random.Random(4)
    rows = [instantiate(t, rng) for t in TEMPLATES for _ in range(int(t.get("n", 4)))]
    rows += [{"kind": "benign", "text": text, "entities": []} for text in BENIGN]
    return [{"id": i, **row} for i, row in enumerate(rows)]


if __name__ == "__main__":
    rows = build()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(f"wrote {len(rows)} snippets to {OUT}")
