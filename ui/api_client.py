"""The console's only way to data: the collector's REST API with a read key."""

from __future__ import annotations

import os
from typing import Any

import httpx


class ApiError(Exception):
    """A readable message for the page; never a traceback."""


class ApiClient:
    def __init__(self, base_url: str | None = None, key: str | None = None) -> None:
        self.base_url = base_url or os.environ.get("TRACEVAULT_API_URL", "http://127.0.0.1:4318")
        self.key = key or os.environ.get("TRACEVAULT_API_KEY", "")
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.key}"},
            timeout=15,
        )

    def get(self, path: str, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v not in (None, "", [])}
        try:
            resp = self._http.get(path, params=clean)
        except httpx.HTTPError as exc:
            raise ApiError(f"cannot reach the collector at {self.base_url}: {exc}") from exc
        if resp.status_code >= 400:
            raise ApiError(_message(resp))
        return resp.json()


def _message(resp: httpx.Response) -> str:
    try:
        detail = resp.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        detail = resp.text[:300]
    hint = {401: " Check the read key (TRACEVAULT_API_KEY).", 403: " The key lacks this role."}
    return f"The collector answered {resp.status_code}: {detail}.{hint.get(resp.status_code, '')}"
