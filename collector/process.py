"""Start and stop a `tracevault serve` child process; used by `demo` and by the tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    """Poll until `url` answers at all (any status); raise if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} came up")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not come up within {timeout}s")


@dataclass
class CollectorProcess:
    url: str
    admin_key: str
    db_path: Path
    proc: subprocess.Popen

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_collector(
    db_path: Path, admin_key: str, port: int | None = None, env: dict[str, str] | None = None,
    log_path: Path | None = None,
) -> CollectorProcess:  # fmt: skip
    port = port or free_port()
    child_env = dict(os.environ, TRACEVAULT_ADMIN_KEY=admin_key, **(env or {}))
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - child owns it
    cmd = [sys.executable, "-m", "collector.cli", "serve", "--db", str(db_path)]
    cmd += ["--port", str(port)]
    proc = subprocess.Popen(cmd, env=child_env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/health", proc=proc)
    except Exception:
        proc.kill()
        raise
    return CollectorProcess(url, admin_key, Path(db_path), proc)
