"""Each credential format is replaced by its own tag, and look-alikes are left alone."""

from __future__ import annotations

import pytest

from instrument.redaction import Redactor

ANT = "sk-ant-api03-" + "Ab3_dE-f" * 12 + "AA"
OAI = "sk-proj-" + "Zx9Yw8Vu7" * 6
AWS_ID = "AKIAQ3EGRT5UVWXY2Z7A"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE12"
GH = "ghp_" + "a1B2c3D4e5" * 4
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
PEM = (
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n"
    "-----END PRIVATE KEY-----"
)

CASES = [
    (f"key: {ANT}", "key: <ANTHROPIC_API_KEY>"),
    (f"OPENAI_API_KEY={OAI}", "OPENAI_API_KEY=<OPENAI_API_KEY>"),
    (f"id {AWS_ID} secret {AWS_SECRET}", "id <AWS_ACCESS_KEY_ID> secret <AWS_SECRET_ACCESS_KEY>"),
    (f"git clone https://{GH}@github.com/a/b", "git clone https://<GITHUB_TOKEN>@github.com/a/b"),
    ("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx now", "<SLACK_TOKEN> now"),
    (f"session={JWT};", "session=<JWT>;"),
    ("Authorization: Bearer abcDEF123456ghiJKL789", "Authorization: Bearer <BEARER_TOKEN>"),
    (f"key:\n{PEM}\nend", "key:\n<PRIVATE_KEY>\nend"),
    ("postgres://app:s3cr3t!@db.internal:5432/main", "postgres://app:<PASSWORD>@db.internal:5432/main"),
    ("password=hunter22 user=bob", "password=<PASSWORD> user=bob"),
    ('{"client_secret": "abc123xyz"}', '{"client_secret": "<SECRET>"}'),
    ("export API_TOKEN='q1w2e3r4t5'", "export API_TOKEN='<SECRET>'"),
    ("my password is Winter2024!", "my password is <PASSWORD>"),
]

LOOKALIKES = [
    "commit 3f2a9c81d0e4b7a6c5d4e3f2a1b0c9d8e7f6a5b4 passed",
    "max_tokens=1024 input_tokens: 512 token_type: Bearer",
    "password: null, secret: ${DB_SECRET}, token = os.environ['TOKEN']",
    "use sk-learn style pipelines; the akia prefix alone is nothing",
    "The password policy requires 12 characters.",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_secret_replaced_when_present(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text).text == expected


@pytest.mark.parametrize("text", LOOKALIKES)
def test_lookalike_kept_when_not_a_secret(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text).text == text


def test_entities_counted_when_several_secrets(redactor: Redactor) -> None:
    result = redactor.redact(f"a={ANT} b={ANT}x c={AWS_ID} password=abc12345")
    assert result.entities == {"ANTHROPIC_API_KEY": 2, "AWS_ACCESS_KEY_ID": 1, "PASSWORD": 1}
