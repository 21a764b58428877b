"""A scriptable stand-in for the Anthropic Messages API, for tests and benchmarks.

One `MockAnthropic` answers the same way through two doors:

* in process, as an `httpx2.MockTransport` (`.transport()`, `.client()`, `.async_client()`);
* over a real socket, as a loopback HTTP server (`with mock.serve() as base_url:`).

Each request to `POST /v1/messages` takes the next scripted outcome from a queue (a `Reply`, an
`ApiError` or a `Disconnect`); an empty queue answers with the default reply. A request whose body
has `"stream": true` gets the reply as server-sent events in the API's exact order (message_start,
content_block_start/delta/stop, message_delta with usage, message_stop). Errors use the API's body
shape and send `retry-after-ms`, so the SDK's own retries run without sleeping. count_tokens and
the batch endpoints (create, retrieve, results as JSONL) are served too, and every request is
recorded in `.requests`. Ids and `request-id` headers come from counters, so tests can assert them.

Routes and their queue keys: `messages`, `count_tokens`, `batches.create`, `batches.retrieve`,
`batches.results`; `queue()` feeds `messages`, `queue_for(route, ...)` any of them.

This module holds the mock itself; what a test scripts is in `outcomes`, the HTTP side in
`wire`, batch shapes in `batches` and the event stream in `sse`.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

import httpx2

from sample_data.mock.batches import Batch, batch_json, errored_line, succeeded_line
from sample_data.mock.outcomes import (
    DEFAULT_MODEL,
    ERROR_TYPES,
    ApiError,
    Disconnect,
    MockUsage,
    Outcome,
    Reply,
    TokenCount,
    text_block,
    thinking_block,
    tool_use_block,
)
from sample_data.mock.sse import reply_events, sse_bytes
from sample_data.mock.wire import (
    SSE_HEADERS,
    ChunkStream,
    MockResponse,
    RecordedRequest,
    count_tokens,
    error_response,
    handler_class,
    json_response,
    route_for,
)

# the names this module has always offered; they live in the modules named above
__all__ = [
    "DEFAULT_MODEL",
    "ERROR_TYPES",
    "ApiError",
    "Disconnect",
    "MockAnthropic",
    "MockResponse",
    "MockUsage",
    "Outcome",
    "RecordedRequest",
    "Reply",
    "TokenCount",
    "text_block",
    "thinking_block",
    "tool_use_block",
]


@dataclass
class _Counters:
    values: dict[str, int] = field(default_factory=dict)

    def next(self, prefix: str) -> str:
        self.values[prefix] = self.values.get(prefix, 0) + 1
        return f"{prefix}_mock_{self.values[prefix]:04d}"


class MockAnthropic:
    """The mock API; see the module docstring. Thread-safe: one lock around the scripted state."""

    def __init__(self, *, default: Reply | None = None) -> None:
        self.default = default or Reply()
        self.requests: list[RecordedRequest] = []
        self.batch_outcomes: dict[str, Reply | ApiError] = {}
        self._queues: dict[str, deque[Outcome]] = {}
        self._batches: dict[str, Batch] = {}
        self._ids = _Counters()
        self._lock = threading.Lock()

    # -- scripting -------------------------------------------------------------------------
    def queue(self, *outcomes: Outcome) -> MockAnthropic:
        return self.queue_for("messages", *outcomes)

    def queue_for(self, route: str, *outcomes: Outcome) -> MockAnthropic:
        with self._lock:
            self._queues.setdefault(route, deque()).extend(outcomes)
        return self

    def pending(self, route: str = "messages") -> int:
        return len(self._queues.get(route, ()))

    # -- doors -----------------------------------------------------------------------------
    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self._handle_httpx)

    def client(self, **kwargs: Any) -> Any:
        import anthropic

        kwargs.setdefault("api_key", "sk-ant-mock")
        kwargs.setdefault("base_url", "https://api.anthropic.mock")
        kwargs.setdefault("http_client", httpx2.Client(transport=self.transport()))
        return anthropic.Anthropic(**kwargs)

    def async_client(self, **kwargs: Any) -> Any:
        import anthropic

        kwargs.setdefault("api_key", "sk-ant-mock")
        kwargs.setdefault("base_url", "https://api.anthropic.mock")
        kwargs.setdefault("http_client", httpx2.AsyncClient(transport=self.transport()))
        return anthropic.AsyncAnthropic(**kwargs)

    @contextmanager
    def serve(self, host: str = "127.0.0.1") -> Iterator[str]:
        """A real HTTP server on a free loopback port; yields its base URL."""
        server = ThreadingHTTPServer((host, 0), handler_class(self.handle))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="mock-anthropic", daemon=True)
        thread.start()
        try:
            yield f"http://{host}:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    # -- core ------------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], raw: bytes, base: str
    ) -> MockResponse | None:
        """Answers one request; `None` means drop the connection."""
        body = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append(RecordedRequest(method, path, query, headers, body))
            request_id = self._ids.next("req")
            route, batch_id = route_for(method, path)
            outcome = self._next(route)
        if isinstance(outcome, Disconnect):
            return None
        if isinstance(outcome, ApiError):
            return error_response(outcome, request_id)
        response = self._answer(route, batch_id, body, outcome, base)
        response.headers["request-id"] = request_id
        return response

    def _next(self, route: str) -> Outcome | None:
        pending = self._queues.get(route)
        return pending.popleft() if pending else None

    def _answer(
        self, route: str, batch_id: str, body: Any, outcome: Outcome | None, base: str
    ) -> MockResponse:
        if route == "messages":
            reply = outcome if isinstance(outcome, Reply) else self.default
            return self._message(body or {}, reply)
        if route == "count_tokens":
            count = outcome if isinstance(outcome, TokenCount) else TokenCount(count_tokens(body))
            return json_response(200, {"input_tokens": count.input_tokens})
        if route == "batches.create":
            return json_response(200, self._create_batch(body or {}))
        if route == "batches.retrieve" and batch_id in self._batches:
            return json_response(200, self._batch_json(self._batches[batch_id], base))
        if route == "batches.results" and batch_id in self._batches:
            return self._batch_results(self._batches[batch_id])
        return error_response(ApiError(404, f"no route {route} {batch_id}"), "req_none")

    def _message(self, body: dict[str, Any], reply: Reply) -> MockResponse:
        message = self._message_json(body.get("model"), reply)
        if not body.get("stream"):
            return json_response(200, message)
        events = reply_events(message, reply.chunk_size, reply.fail_after_events)
        return MockResponse(200, dict(SSE_HEADERS), [sse_bytes(e) for e in events])

    def _message_json(self, model: str | None, reply: Reply) -> dict[str, Any]:
        with self._lock:
            content = [self._with_id(block) for block in reply.content]
            message_id = reply.id or self._ids.next("msg")
        return {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": reply.model or model or DEFAULT_MODEL,
            "content": content,
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "usage": reply.usage.to_api(),
        }

    def _with_id(self, block: dict[str, Any]) -> dict[str, Any]:
        if block.get("type") == "tool_use" and block.get("id") is None:
            return {**block, "id": self._ids.next("toolu")}
        return dict(block)

    def _create_batch(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            batch = Batch(self._ids.next("msgbatch"), list(body.get("requests", [])))
            self._batches[batch.id] = batch
        return self._batch_json(batch, None)

    def _batch_json(self, batch: Batch, base: str | None) -> dict[str, Any]:
        return batch_json(batch, base, self._succeeded(batch))

    def _succeeded(self, batch: Batch) -> int:
        failed = (self.batch_outcomes.get(r.get("custom_id", "")) for r in batch.requests)
        return sum(1 for outcome in failed if not isinstance(outcome, ApiError))

    def _batch_results(self, batch: Batch) -> MockResponse:
        lines = [
            json.dumps(self._batch_line(request)).encode() + b"\n" for request in batch.requests
        ]
        return MockResponse(200, {"content-type": "application/binary"}, lines)

    def _batch_line(self, request: dict[str, Any]) -> dict[str, Any]:
        custom_id = request.get("custom_id", "")
        outcome = self.batch_outcomes.get(custom_id, self.default)
        if isinstance(outcome, ApiError):
            return errored_line(custom_id, outcome)
        model = (request.get("params") or {}).get("model")
        return succeeded_line(custom_id, self._message_json(model, outcome))

    def _handle_httpx(self, request: httpx2.Request) -> httpx2.Response:
        base = f"{request.url.scheme}://{request.url.netloc.decode()}"
        query = request.url.query.decode()
        headers = {k.lower(): v for k, v in request.headers.items()}
        answer = self.handle(
            request.method, request.url.path, query, headers, request.content, base
        )
        if answer is None:
            raise httpx2.ConnectError("mock: connection dropped", request=request)
        return httpx2.Response(
            answer.status, headers=answer.headers, stream=ChunkStream(answer.chunks)
        )
