"""A real local HTTP server standing in front of (or instead of) the collector.

Each POST takes the next scripted reply: a canned status (503 with Retry-After, 400 with a
google.rpc.Status, ...), "forward" to an upstream collector, "forward_then_503" (the
collector commits but the answer is lost), or "slow_forward" (answers after a delay). With
the script used up it forwards, or answers 200 when there is no upstream. Every request is
recorded with the span ids it carried, decoded from the body.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from google.rpc import status_pb2
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

PROTOBUF = "application/x-protobuf"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    action: str = "reply"  # reply | forward | forward_then_503 | slow_forward
    delay_s: float = 0.0


def status_body(message: str, code: int = 3) -> bytes:
    return status_pb2.Status(code=code, message=message).SerializeToString()


@dataclass
class Seen:
    at: float  # time.monotonic() on arrival
    span_ids: list[str]
    first_attributes: dict[str, Any]
    headers: dict[str, str]
    status: int = 0


def decode(body: bytes, encoding: str | None) -> ExportTraceServiceRequest:
    request = ExportTraceServiceRequest()
    request.ParseFromString(gzip.decompress(body) if encoding == "gzip" else body)
    return request


def _summarize(request: ExportTraceServiceRequest) -> tuple[list[str], dict[str, Any]]:
    spans = [s for r in request.resource_spans for sc in r.scope_spans for s in sc.spans]
    ids = [s.span_id.hex() for s in spans]
    first: dict[str, Any] = {}
    if spans:
        for kv in spans[0].attributes:
            kind = kv.value.WhichOneof("value")
            first[kv.key] = getattr(kv.value, kind) if kind else None
    return ids, first


class ScriptedServer:
    def __init__(
        self,
        script: list[Reply] | None = None,
        upstream: str | None = None,
        port: int = 0,
        keep_alive: bool = True,  # False: one request per connection, so stop() is a real outage
    ) -> None:
        self.keep_alive = keep_alive
        self.script = list(script or [])
        self.upstream = upstream
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def all_span_ids(self, delivered_only: bool = True) -> list[str]:
        with self._lock:
            return [i for s in self.seen if s.status == 200 or not delivered_only
                    for i in s.span_ids]  # fmt: skip

    def _next(self) -> Reply:
        with self._lock:
            if self.script:
                return self.script.pop(0)
        return Reply(action="forward") if self.upstream else Reply()

    def _answer(self, reply: Reply, body: bytes, headers: dict[str, str]) -> Reply:
        if reply.action == "reply":
            return reply
        if reply.action == "slow_forward":
            time.sleep(reply.delay_s)
        keep = ("content-type", "content-encoding", "authorization")
        forwarded = {k: v for k, v in headers.items() if k.lower() in keep}
        resp = httpx.post(f"{self.upstream}/v1/traces", content=body, headers=forwarded, timeout=30)
        if reply.action == "forward_then_503":
            return Reply(503, {"Retry-After": "0"}, status_body("lost answer", 14))
        kind = {"content-type": resp.headers.get("content-type", PROTOBUF)}
        return Reply(resp.status_code, kind, resp.content)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if server.keep_alive else "HTTP/1.0"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = dict(self.headers.items())
                ids, first = _summarize(decode(body, self.headers.get("Content-Encoding")))
                seen = Seen(time.monotonic(), ids, first, headers)
                with server._lock:
                    server.seen.append(seen)
                reply = server._answer(server._next(), body, headers)
                seen.status = reply.status
                # The exporter may have given up waiting (timeout test): nobody to answer.
                with contextlib.suppress(OSError):
                    self._reply(reply)

            def _reply(self, reply: Reply) -> None:
                self.send_response(reply.status)
                for key, value in {"Content-Type": PROTOBUF, **reply.headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@contextmanager
def scripted(
    script: list[Reply] | None = None, upstream: str | None = None, port: int = 0
) -> Iterator[ScriptedServer]:
    server = ScriptedServer(script, upstream, port).start()
    try:
        yield server
    finally:
        server.stop()
