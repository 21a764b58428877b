"""The console's only way to data: the collector's REST API with a read key.

Writes (alert rules, test notifications) and admin reads (chain verification) need an admin
key: the console takes one from TRACEVAULT_UI_ADMIN_KEY or from the sidebar, never by default.
"""

from __future__ import annotations

import os
from typing import Any

import httpx


class ApiError(Exception):
    """A readable message for the page; never a traceback."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class NotAvailable(ApiError):
    """The collector has no such route (an older collector, or a feature not installed)."""


class ApiClient:
    def __init__(self, base_url: str | None = None, key: str | None = None,
                 admin_key: str | None = None) -> None:  # fmt: skip
        self.base_url = base_url or os.environ.get("TRACEVAULT_API_URL", "http://127.0.0.1:4318")
        self.key = key or os.environ.get("TRACEVAULT_API_KEY", "")
        self.admin_key = admin_key or os.environ.get("TRACEVAULT_UI_ADMIN_KEY", "")
        self._http = httpx.Client(base_url=self.base_url, timeout=15)

    def get(self, path: str, admin: bool = False, **params: Any) -> Any:
        return self.request("GET", path, admin=admin, params=params).json()

    def get_text(self, path: str, **params: Any) -> str:
        return self.request("GET", path, params=params).text

    def request(
        self, method: str, path: str, admin: bool = False,
        params: dict[str, Any] | None = None, json: Any = None,
    ) -> httpx.Response:  # fmt: skip
        key = self.admin_key if admin else self.key
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "", [])}
        try:
            resp = self._http.request(method, path, params=clean, json=json,
                                      headers={"Authorization": f"Bearer {key}"})  # fmt: skip
        except httpx.HTTPError as exc:
            raise ApiError(f"Cannot reach the collector at {self.base_url} ({exc}).") from exc
        if resp.status_code >= 400:
            raise _error(resp)
        return resp


def _error(resp: httpx.Response) -> ApiError:
    try:
        body = resp.json()
    except ValueError:
        body = None
    if resp.status_code == 404 and not (isinstance(body, dict) and "error" in body):
        # FastAPI's own 404 (no {"error": ...} envelope) means the route itself is missing.
        return NotAvailable("This collector does not offer this feature yet.", 404)
    try:
        detail = body["error"]["message"]  # type: ignore[index]
    except (KeyError, TypeError):
        detail = resp.text[:300]
    hint = {401: " Check the key (TRACEVAULT_API_KEY).", 403: " The key lacks this role."}
    status = resp.status_code
    return ApiError(f"The collector answered {status}: {detail}.{hint.get(status, '')}", status)
