"""Errors raised by the collector.

Hierarchy::

    TracevaultError
    ├── ConfigError          bad settings, raised at start-up
    ├── AuthError            missing, unknown or revoked key (HTTP 401)
    │   └── ForbiddenError   key valid but role or project not allowed (HTTP 403)
    ├── BadRequestError      malformed input (HTTP 400)
    ├── PayloadTooLargeError body over a cap (HTTP 413)
    ├── UnsupportedMediaError content type we do not decode (HTTP 415)
    ├── NotFoundError        unknown id within the caller's project (HTTP 404)
    └── StoreError
        ├── BackpressureError ingest queue full (HTTP 503 + Retry-After)
        └── StoreClosedError  the store was closed
"""

from __future__ import annotations


class TracevaultError(Exception):
    status_code = 500


class ConfigError(TracevaultError):
    status_code = 500


class AuthError(TracevaultError):
    status_code = 401


class ForbiddenError(AuthError):
    status_code = 403


class BadRequestError(TracevaultError):
    status_code = 400


class PayloadTooLargeError(TracevaultError):
    status_code = 413


class UnsupportedMediaError(TracevaultError):
    status_code = 415


class NotFoundError(TracevaultError):
    status_code = 404


class StoreError(TracevaultError):
    status_code = 503


class BackpressureError(StoreError):
    status_code = 503

    def __init__(self, message: str, retry_after_s: int = 1) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class StoreClosedError(StoreError):
    status_code = 503
