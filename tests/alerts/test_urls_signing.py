"""Webhook URL checks and masking, and the HMAC-SHA256 signature."""

from __future__ import annotations

import pytest

from analytics.notify.signing import sign, signed_headers, verify
from analytics.notify.urls import UrlNotAllowedError, check_url, host_allowed, mask_url

HOSTS = ("hooks.slack.com", "*.example.com")


@pytest.mark.parametrize(
    "url",
    ["https://hooks.slack.com/services/T0/B0/xyz", "http://alerts.example.com/in",
     "https://a.b.example.com/x"],
)  # fmt: skip
def test_check_url_accepts_when_host_allowed(url: str) -> None:
    assert check_url(url, HOSTS) == url


@pytest.mark.parametrize(
    ("url", "message"),
    [("ftp://hooks.slack.com/x", "must be http or https"),
     ("file:///etc/passwd", "must be http or https"),
     ("https://evil.test/x", "'evil.test' is not allowed"),
     ("https://example.com/x", "'example.com' is not allowed"),
     ("https://user:pw@hooks.slack.com/x", "credentials"),
     ("https:///x", "no host")],
)  # fmt: skip
def test_check_url_refuses_when_scheme_or_host_wrong(url: str, message: str) -> None:
    with pytest.raises(UrlNotAllowedError, match=message):
        check_url(url, HOSTS)


def test_host_allowed_ignores_case_and_trailing_dot() -> None:
    assert host_allowed("HOOKS.slack.com.", HOSTS) is True


def test_mask_url_keeps_only_scheme_host_and_port() -> None:
    assert mask_url("https://hooks.slack.com/services/T0/B0/secret") == "https://hooks.slack.com/…"
    assert mask_url("http://127.0.0.1:8080/hook?token=x") == "http://127.0.0.1:8080/…"


def test_sign_matches_openssl_vector() -> None:
    # printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expected = "sha256=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
    assert sign("whsec_test", 1700000000, b'{"a":1}') == expected


def test_verify_rejects_when_body_or_time_differs() -> None:
    sig = sign("k", 1000, b"body")
    assert verify("k", 1000, b"body", sig, now=1100) is True
    assert verify("k", 1000, b"bodz", sig, now=1100) is False
    assert verify("k", 1000, b"body", sig, now=1000 + 301) is False


def test_signed_headers_omit_signature_when_no_secret() -> None:
    headers = signed_headers(None, 5, b"{}", "ntf_1")
    assert headers == {"Content-Type": "application/json", "X-Tracevault-Delivery": "ntf_1",
                       "X-Tracevault-Timestamp": "5"}  # fmt: skip
