"""A real local HTTP server standing in for Slack (and any webhook receiver).

It listens on a free loopback port, records every request (path, headers, body, arrival
time), and answers from a per-path script of (status, headers) pairs, then 200 "ok".
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival
    status: int  # what the server answered

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _State:
    requests: list[Recorded] = field(default_factory=list)
    scripts: dict[str, deque[tuple[int, dict[str, str]]]] = field(
        default_factory=lambda: defaultdict(deque)
    )
    changed: threading.Condition = field(default_factory=threading.Condition)


def _handler(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with state.changed:
                script = state.scripts[self.path]
                status, headers = script.popleft() if script else (200, {})
                state.requests.append(
                    Recorded(self.path, dict(self.headers), body, time.monotonic(), status)
                )
                state.changed.notify_all()
            reply = b"ok" if status == 200 else b"error"
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


class SlackServer:
    def __init__(self) -> None:
        self._state = _State()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self._state))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def script(self, path: str, *answers: tuple[int, dict[str, str]]) -> None:
        with self._state.changed:
            self._state.scripts[path].extend(answers)

    def requests(self, path: str | None = None) -> list[Recorded]:
        with self._state.changed:
            return [r for r in self._state.requests if path is None or r.path == path]

    def wait_for(self, count: int, path: str, timeout: float = 30.0) -> list[Recorded]:
        """Block until `path` has received at least `count` requests; raise on timeout."""
        deadline = time.monotonic() + timeout
        with self._state.changed:
            while True:
                got = [r for r in self._state.requests if r.path == path]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{path}: {len(got)} of {count} requests after {timeout}s")
                self._state.changed.wait(left)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
