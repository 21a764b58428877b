"""One real collector for the console tests, seeded with `tests.ui.seed` and its jobs run once,
plus helpers to render a page with AppTest the way `streamlit run` would."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from collector.process import CollectorProcess, start_collector
from tests.ui import seed

CONSOLE_ENV = ("TRACEVAULT_API_URL", "TRACEVAULT_API_KEY", "TRACEVAULT_UI_ADMIN_KEY")
SCREENS = Path(__file__).resolve().parents[2] / "ui" / "screens"
# Seeded spans go back 30 h; the default lateness (6 h) would leave the previous window out.
# Scheduled jobs are pushed out of the way: the fixture runs them once, so numbers stay put.
ENV = {"TRACEVAULT_JOB_LATENESS_S": str(3 * 86400), "TRACEVAULT_JOB_INTERVAL_S": "86400",
       "TRACEVAULT_ALERTS_EVAL_INTERVAL_S": "86400"}  # fmt: skip


@dataclass
class Console:
    proc: CollectorProcess
    root_key: str  # the collector's admin key (project "default")
    project: str
    read_key: str
    admin_key: str
    until: datetime  # every page test pins its window to end here

    @property
    def url(self) -> str:
        return self.proc.url

    def api(self, path: str, admin: bool = False, **params: Any) -> Any:
        key = self.admin_key if admin else self.read_key
        resp = httpx.get(f"{self.url}{path}", params=params, timeout=30,
                         headers={"Authorization": f"Bearer {key}"})  # fmt: skip
        resp.raise_for_status()
        return resp.json()

    def new_key(self, project: str, role: str) -> str:
        with httpx.Client(base_url=self.url, timeout=30,
                          headers={"Authorization": f"Bearer {self.root_key}"}) as admin:
            return _new_key(admin, project, role)

    def window(self, hours: int = 24) -> dict[str, str]:
        since = self.until - timedelta(hours=hours)
        return {"since": since.isoformat(), "until": self.until.isoformat()}

    def page(self, name: str, key: str | None = None, admin_key: str = "", **query: str
             ) -> AppTest:  # fmt: skip
        """Render screen `name` with `query` in its URL, as the console with `key` would."""
        os.environ["TRACEVAULT_API_URL"] = self.url
        os.environ["TRACEVAULT_API_KEY"] = key or self.read_key
        os.environ["TRACEVAULT_UI_ADMIN_KEY"] = admin_key
        at = AppTest.from_file(str(SCREENS / f"{name}.py"), default_timeout=60)
        at.query_params.update({"until": self.until.isoformat(), **query})
        return at.run()


def _new_key(admin: httpx.Client, project: str, role: str) -> str:
    resp = admin.post("/api/keys", json={"project": project, "role": role})
    resp.raise_for_status()
    return resp.json()["key"]


@pytest.fixture(scope="session")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    tmp = tmp_path_factory.mktemp("console")
    root_key = "tv_admin_ui_" + secrets.token_hex(8)
    proc = start_collector(tmp / "store.duckdb", root_key, env=ENV, log_path=tmp / "serve.log")
    try:
        with httpx.Client(base_url=proc.url, timeout=60,
                          headers={"Authorization": f"Bearer {root_key}"}) as admin:
            project = "ui-" + secrets.token_hex(3)
            keys = {role: _new_key(admin, project, role) for role in ("ingest", "read", "admin")}
            now = datetime.now(UTC)
            seed.send(proc.url, keys["ingest"], seed.build(project, now))
            admin.post("/api/jobs/run").raise_for_status()
        until = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        yield Console(proc, root_key, project, keys["read"], keys["admin"], until)
    finally:
        proc.stop()


@pytest.fixture(autouse=True)
def _console_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """`Console.page` points the console at the collector through the environment; undo it
    after each test, since the agent SDK reads TRACEVAULT_API_KEY too."""
    for name in CONSOLE_ENV:
        monkeypatch.delenv(name, raising=False)
