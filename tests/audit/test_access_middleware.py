"""AccessLogMiddleware on the real app, served by uvicorn on a loopback port in this process."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from collector.app import create_app
from collector.process import free_port, wait_until_up
from collector.runtime import Runtime, build_runtime
from collector.settings import Settings


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Runtime]]:
    settings = Settings(db_path=tmp_path / "mw.duckdb", scheduler_enabled=False)
    runtime = build_runtime(settings)
    app = create_app(runtime)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/health")
    yield url, runtime
    server.should_exit = True
    thread.join(timeout=15)


def _entries(runtime: Runtime, project: str) -> list[dict]:
    # The middleware does not wait for the writer; the log entry lands right after the answer.
    for _ in range(100):
        rows = runtime.store.query(
            "SELECT key_id, action, detail FROM audit_access_log WHERE project = ? "
            "ORDER BY accessed_at",
            [project],
        )
        if rows:
            return rows
        time.sleep(0.05)
    return []


def test_middleware_logs_key_path_and_status_when_a_keyed_read_is_answered(
    served: tuple[str, Runtime],
) -> None:
    url, runtime = served
    key, secret = runtime.keys.create("mw-project", "read")
    headers = {"Authorization": f"Bearer {secret}"}
    resp = httpx.get(f"{url}/api/traces", params={"limit": 5}, headers=headers)
    assert resp.status_code == 200
    assert httpx.get(f"{url}/health").status_code == 200  # no key, not under /api: not logged
    (entry,) = _entries(runtime, "mw-project")
    assert (entry["key_id"], entry["action"]) == (key.key_id, "read")
    assert json.loads(entry["detail"]) == {"path": "/api/traces", "query": "limit=5",
                                           "status": 200}  # fmt: skip
