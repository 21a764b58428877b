"""`tracevault demo`: collector + console + sample data through the real pipeline.

The collector runs as its own process (it alone owns the DuckDB file); sample data goes through
`instrument.patch()` and OTLP like any agent's would. Ctrl-C stops both children.
"""

from __future__ import annotations

import secrets
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from collector.process import CollectorProcess, start_collector, wait_until_up
from ui.launch import ui_command, ui_env

PROJECT = "demo"


def _key(admin: httpx.Client, role: str) -> str:
    resp = admin.post("/api/keys", json={"project": PROJECT, "role": role, "name": f"demo {role}"})
    resp.raise_for_status()
    return resp.json()["key"]


def _has_data(url: str, read_key: str) -> bool:
    headers = {"Authorization": f"Bearer {read_key}"}
    resp = httpx.get(f"{url}/api/traces", params={"limit": 1}, headers=headers, timeout=30)
    return bool(resp.json()["traces"])


def _load_sample(admin: httpx.Client, ingest_key: str) -> int:
    """Replay the week, run every job once, and replay the alert rules over the week, so the
    console opens on findings, rollups and an alert history (no notification is sent)."""
    from sample_data.generate import load_sample

    count = load_sample(endpoint=str(admin.base_url), api_key=ingest_key)
    admin.post("/api/jobs/run", timeout=600).raise_for_status()
    since = (datetime.now(UTC) - timedelta(days=8)).isoformat()
    admin.post("/api/alerts/replay", json={"since": since}, timeout=600).raise_for_status()
    return count


def run_demo(db_path: str, port: int, ui_port: int) -> int:
    admin_key = "tv_admin_demo_" + secrets.token_urlsafe(16)
    print(f"starting collector on http://127.0.0.1:{port} (store {db_path}) ...", flush=True)
    env = {"TRACEVAULT_DEFAULT_PROJECT": PROJECT}
    collector = start_collector(Path(db_path), admin_key, port=port, env=env)
    ui: subprocess.Popen | None = None
    try:
        with httpx.Client(
            base_url=collector.url, headers={"Authorization": f"Bearer {admin_key}"}, timeout=30
        ) as admin:
            ingest_key, read_key = _key(admin, "ingest"), _key(admin, "read")
            # The demo console may edit rules and verify the chain: a local, single-user setup.
            console_admin = _key(admin, "admin")
            if not _has_data(collector.url, read_key):
                print("replaying a week of sample agent traffic ...", flush=True)
                started = time.monotonic()
                count = _load_sample(admin, ingest_key)
                took = time.monotonic() - started
                print(f"loaded {count} sample tasks in {took:.1f}s", flush=True)
        env = {**ui_env(collector.url, read_key), "TRACEVAULT_UI_ADMIN_KEY": console_admin}
        ui = subprocess.Popen(ui_command(ui_port), env=env)
        wait_until_up(f"http://127.0.0.1:{ui_port}/_stcore/health", proc=ui)
        _print_banner(collector, ui_port, ingest_key, read_key)
        return _wait(collector, ui)
    finally:
        _stop(ui)
        collector.stop()


def _print_banner(
    collector: CollectorProcess, ui_port: int, ingest_key: str, read_key: str
) -> None:
    print(
        f"""
tracevault demo is running
  console:     http://127.0.0.1:{ui_port}
  collector:   {collector.url}   (health: {collector.url}/health, API docs: {collector.url}/docs)
  ingest key:  {ingest_key}
  read key:    {read_key}   (REST API, e.g. curl -H "Authorization: Bearer ...")

Instrument an agent (project "{PROJECT}"):
  import instrument
  instrument.patch(endpoint="{collector.url}", api_key="{ingest_key}")

Ctrl-C stops the collector and the console.""",
        flush=True,
    )


def _wait(collector: CollectorProcess, ui: subprocess.Popen) -> int:
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        while collector.proc.poll() is None and ui.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
        return 0
    print("a child process exited; stopping the demo", flush=True)
    return 1


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
