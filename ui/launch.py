"""`tracevault ui`: run the Streamlit console against a collector's REST API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).with_name("app.py")


def ui_command(port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",  # no "Deploy" button in a monitoring console
    ]  # fmt: skip


def ui_env(api_url: str, api_key: str | None) -> dict[str, str]:
    env = dict(os.environ, TRACEVAULT_API_URL=api_url)
    if api_key:
        env["TRACEVAULT_API_KEY"] = api_key
    return env


def run_ui(api_url: str, port: int, api_key: str | None) -> int:
    print(f"tracevault console: http://127.0.0.1:{port}  (API {api_url})", flush=True)
    return subprocess.call(ui_command(port), env=ui_env(api_url, api_key))
