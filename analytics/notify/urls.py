"""Webhook URLs are secrets and a server-side request target: check them, never show them.

A Slack incoming-webhook URL is itself the credential, so API responses and the console only
ever see `scheme://host/…`. Only http(s) to hosts on the allow-list may be called, which keeps an
admin key from turning the collector into a proxy to internal services.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from collector.errors import BadRequestError

MASK = "…"


class UrlNotAllowedError(BadRequestError):
    """The URL is not http(s), or its host is not on the allow-list."""


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """Exact host match, or `*.example.com` for any subdomain of example.com."""
    host = host.lower().rstrip(".")
    for pattern in allowed:
        pattern = pattern.lower().strip()
        if pattern == "*" or pattern == host:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


def check_url(url: str, allowed: Iterable[str]) -> str:
    """The URL unchanged if it may be called; raises UrlNotAllowedError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UrlNotAllowedError("webhook URL must be http or https")
    if not parts.hostname:
        raise UrlNotAllowedError("webhook URL has no host")
    if parts.username or parts.password:
        raise UrlNotAllowedError("webhook URL must not carry credentials in its authority")
    if not host_allowed(parts.hostname, allowed):
        raise UrlNotAllowedError(
            f"webhook host {parts.hostname!r} is not allowed; "
            "add it to TRACEVAULT_ALERTS_WEBHOOK_HOSTS"
        )
    return url


def mask_url(url: str) -> str:
    """`https://hooks.slack.com/…`: enough to recognise the target, nothing to replay."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}/{MASK}"


def is_masked(url: str) -> bool:
    return url.endswith("/" + MASK)
