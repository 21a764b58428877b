"""Addresses on non-public domains are still someone's email and must not leak."""

from __future__ import annotations

import pytest

from instrument.redaction import get_redactor


@pytest.mark.parametrize(
    "address",
    ["ada.lovelace@analytical.example", "ops-oncall@corp.internal", "qa@staging.test"],
)
def test_email_on_non_public_domain_is_redacted(address: str) -> None:
    result = get_redactor().redact(f"forward it to {address} please")
    assert result.text == "forward it to <EMAIL_ADDRESS> please"
    assert result.entities == {"EMAIL_ADDRESS": 1}


def test_at_sign_without_a_domain_is_left_alone() -> None:
    assert get_redactor().redact("ssh user@host and run it").entities == {}
