"""Cached reads: every page asks a few server-aggregated questions, each answer kept briefly.

The cache key is the collector, the key's hash, the path and the query, so two consoles (or two
projects' keys) never share answers; the short TTL keeps an open page close to live.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from ui.api_client import ApiClient, ApiError

TTL_S = 20


@st.cache_resource(show_spinner=False)
def _client(base_url: str, key: str, admin_key: str) -> ApiClient:
    return ApiClient(base_url, key, admin_key)


def client() -> ApiClient:
    """The console's client; an admin key typed in the sidebar applies to this session only."""
    env = ApiClient()
    admin = st.session_state.get("admin_key") or env.admin_key
    return _client(env.base_url, env.key, admin)


@st.cache_data(ttl=TTL_S, show_spinner=False, max_entries=512)
def _cached_get(base_url: str, key_hash: str, path: str, params: tuple, admin: bool) -> Any:
    return client().get(path, admin=admin, **dict(params))


def fetch(path: str, admin: bool = False, **params: Any) -> Any:
    """GET `path` with `params`, from the cache when asked within the last TTL_S seconds."""
    c = client()
    used = c.admin_key if admin else c.key
    key_hash = hashlib.sha256(used.encode()).hexdigest()[:16]
    frozen = tuple(sorted((k, str(v)) for k, v in params.items() if v not in (None, "")))
    return _cached_get(c.base_url, key_hash, path, frozen, admin)


def prefetch(calls: list[tuple[str, dict[str, Any]]]) -> None:
    """Warm the cache with a page's independent reads at once: the collector answers them in
    parallel, so a cold page waits for its slowest read rather than for their sum."""
    ctx = get_script_run_ctx()

    def one(call: tuple[str, dict[str, Any]]) -> None:
        add_script_run_ctx(threading.current_thread(), ctx)
        with contextlib.suppress(ApiError):  # the page's own read shows the message
            fetch(call[0], **call[1])

    with ThreadPoolExecutor(max_workers=max(1, len(calls))) as pool:
        list(pool.map(one, calls))


def clear() -> None:
    """After a write, so the next read shows it."""
    _cached_get.clear()
