"""HMAC-SHA256 signatures for the generic webhook.

The signed message is `"<timestamp>.<raw body>"`, as Stripe and Slack do: binding the time into
the signature lets a receiver refuse replays older than a few minutes. Receivers verify with
`verify()` (or the same three lines in any language) over the raw body bytes.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Tracevault-Signature"
TIMESTAMP_HEADER = "X-Tracevault-Timestamp"
DELIVERY_HEADER = "X-Tracevault-Delivery"
_PREFIX = "sha256="


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return _PREFIX + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    secret: str, timestamp: int, body: bytes, signature: str, now: int, tolerance_s: int = 300
) -> bool:
    if abs(now - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def signed_headers(secret: str | None, timestamp: int, body: bytes, delivery_id: str) -> dict:
    headers = {
        "Content-Type": "application/json",
        DELIVERY_HEADER: delivery_id,
        TIMESTAMP_HEADER: str(timestamp),
    }
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
    return headers
