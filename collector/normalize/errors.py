"""error_type, error_class and http_status of a span.

error_class: `tracevault.error.class` when sent; else derived for error spans: any error on an
execute_tool span -> tool; 429, 408, 5xx, 529, timeouts, connection errors -> transient; other
4xx (400, 401, 403, 404, 413, 422, ...) -> permanent; unknown -> None.
"""

from __future__ import annotations

import re
from typing import Any

from collector.normalize.slots import as_int, as_str
from collector.otlp import RawSpan

_TRANSIENT_TYPES = frozenset(
    {
        "ratelimiterror",
        "overloadederror",
        "internalservererror",
        "apierror",
        "apiconnectionerror",
        "apitimeouterror",
        "timeouterror",
        "timeout",
        "readtimeout",
        "connecttimeout",
        "connecterror",
        "connectionerror",
        "remoteprotocolerror",
        "serviceunavailableerror",
        "overloaded",
        "ratelimit",
        "gatewaytimeout",
        "deadlineexceeded",
    }
)
_PERMANENT_TYPES = frozenset(
    {
        "badrequesterror",
        "invalidrequesterror",
        "authenticationerror",
        "permissiondeniederror",
        "permissionerror",
        "notfounderror",
        "requesttoolargeerror",
        "requesttoolarge",
        "unprocessableentityerror",
        "conflicterror",
    }
)
_ERROR_CLASSES = frozenset({"transient", "permanent", "tool"})
_STATUS_IN_TEXT = re.compile(r"\b(?:error code|status(?: code)?)[:= ]+(\d{3})\b", re.IGNORECASE)


def _exception(events: list[dict[str, Any]]) -> dict[str, Any]:
    for event in events:
        if event["name"] == "exception":
            return event["attributes"]
    return {}


def _http_status(p: dict[str, Any], message: str, exc: dict[str, Any]) -> int | None:
    status = as_int(p.get("http_status"))
    if status is None and (message or exc):
        found = _STATUS_IN_TEXT.search(message or str(exc.get("exception.message", "")))
        status = int(found.group(1)) if found else None
    return status


def _error_class(operation: str | None, status: int | None, error_type: str | None) -> str | None:
    if operation == "execute_tool":
        return "tool"
    if status is not None and (status in (408, 429) or status >= 500):
        return "transient"
    if status is not None and 400 <= status < 500:
        return "permanent"
    kind = (error_type or "").rpartition(".")[2].replace("_", "").lower()
    if kind in _TRANSIENT_TYPES:
        return "transient"
    return "permanent" if kind in _PERMANENT_TYPES else None


def errors(span: RawSpan, p: dict[str, Any], operation: str | None) -> tuple[Any, Any, Any]:
    """(error_type, error_class, http_status)."""
    failed = span.status_code == 2
    exc = _exception(span.events) if failed else {}
    error_type = as_str(p.get("error_type") or exc.get("exception.type"))
    status = _http_status(p, span.status_message if failed else "", exc)
    sent = p.get("error_class")
    if sent in _ERROR_CLASSES:
        return error_type, sent, status
    if not failed and error_type is None and (status is None or status < 400):
        return error_type, None, status
    return error_type, _error_class(operation, status, error_type), status
