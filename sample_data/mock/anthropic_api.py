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
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2

from sample_data.mock.sse import reply_events, sse_bytes

ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    408: "timeout_error",
    413: "request_too_large",
    422: "invalid_request_error",
    429: "rate_limit_error",
    500: "api_error",
    502: "api_error",
    503: "api_error",
    529: "overloaded_error",
}
DEFAULT_MODEL = "claude-sonnet-4-5"
_SSE_HEADERS = {"content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache"}


@dataclass(frozen=True)
class MockUsage:
    """Token counts as the API bills them; `input_tokens` here EXCLUDES cache, as the API's does."""

    input_tokens: int = 10
    output_tokens: int = 5
    cache_read: int = 0
    cache_write_5m: int = 0
    cache_write_1h: int = 0
    web_search_requests: int = 0
    web_fetch_requests: int = 0

    def to_api(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_write_5m + self.cache_write_1h,
            "cache_read_input_tokens": self.cache_read,
            "cache_creation": {
                "ephemeral_5m_input_tokens": self.cache_write_5m,
                "ephemeral_1h_input_tokens": self.cache_write_1h,
            },
            "server_tool_use": {
                "web_search_requests": self.web_search_requests,
                "web_fetch_requests": self.web_fetch_requests,
            },
            "service_tier": "standard",
        }


def text_block(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def tool_use_block(name: str, input: dict[str, Any], id: str | None = None) -> dict[str, Any]:
    """A tool_use block; `id=None` gets a counter id (`toolu_mock_0001`, ...) when served."""
    return {"type": "tool_use", "id": id, "name": name, "input": input}


def thinking_block(thinking: str, signature: str = "sig_mock") -> dict[str, Any]:
    return {"type": "thinking", "thinking": thinking, "signature": signature}


@dataclass(frozen=True)
class Reply:
    """A successful message. `model=None` echoes the request's model."""

    content: tuple[dict[str, Any], ...] = (text_block("Hello from the mock."),)
    usage: MockUsage = MockUsage()
    stop_reason: str = "end_turn"
    model: str | None = None
    id: str | None = None
    chunk_size: int = 8  # characters per text/json delta when streamed
    fail_after_events: int | None = None  # streamed: an `error` event replaces the rest

    @classmethod
    def text(cls, text: str, **kwargs: Any) -> Reply:
        return cls(content=(text_block(text),), **kwargs)

    @classmethod
    def tool_use(cls, name: str, input: dict[str, Any], id: str | None = None, **kw: Any) -> Reply:
        return cls(content=(tool_use_block(name, input, id),), stop_reason="tool_use", **kw)


@dataclass(frozen=True)
class ApiError:
    """An error response in the API's body shape; 429/5xx carry `retry-after-ms`."""

    status: int
    message: str = "mock error"
    type: str | None = None
    retry_after_ms: int | None = 1
    should_retry: bool | None = None  # sets `x-should-retry`, which the SDK obeys over the status

    def body(self, request_id: str) -> dict[str, Any]:
        error_type = self.type or ERROR_TYPES.get(self.status, "api_error")
        return {
            "type": "error",
            "error": {"type": error_type, "message": self.message},
            "request_id": request_id,
        }


@dataclass(frozen=True)
class Disconnect:
    """The connection drops before any response (a connection error to the client)."""


@dataclass(frozen=True)
class TokenCount:
    input_tokens: int


Outcome = Reply | ApiError | Disconnect | TokenCount


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any  # decoded JSON, or None


@dataclass
class MockResponse:
    status: int
    headers: dict[str, str]
    chunks: list[bytes]


@dataclass
class _Batch:
    id: str
    requests: list[dict[str, Any]]
    retrieved: int = 0


@dataclass
class _Counters:
    values: dict[str, int] = field(default_factory=dict)

    def next(self, prefix: str) -> str:
        self.values[prefix] = self.values.get(prefix, 0) + 1
        return f"{prefix}_mock_{self.values[prefix]:04d}"


class _ChunkStream(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A body delivered chunk by chunk, to sync and async clients alike."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            await asyncio.sleep(0)
            yield chunk


class MockAnthropic:
    """The mock API; see the module docstring. Thread-safe: one lock around the scripted state."""

    def __init__(self, *, default: Reply | None = None) -> None:
        self.default = default or Reply()
        self.requests: list[RecordedRequest] = []
        self.batch_outcomes: dict[str, Reply | ApiError] = {}
        self._queues: dict[str, deque[Outcome]] = {}
        self._batches: dict[str, _Batch] = {}
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
        server = ThreadingHTTPServer((host, 0), _handler_class(self))
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
            route, batch_id = _route(method, path)
            outcome = self._next(route)
        if isinstance(outcome, Disconnect):
            return None
        if isinstance(outcome, ApiError):
            return _error_response(outcome, request_id)
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
            count = outcome if isinstance(outcome, TokenCount) else TokenCount(_count(body))
            return _json(200, {"input_tokens": count.input_tokens})
        if route == "batches.create":
            return _json(200, self._create_batch(body or {}))
        if route == "batches.retrieve" and batch_id in self._batches:
            return _json(200, self._batch_json(self._batches[batch_id], base))
        if route == "batches.results" and batch_id in self._batches:
            return self._batch_results(self._batches[batch_id])
        return _error_response(ApiError(404, f"no route {route} {batch_id}"), "req_none")

    def _message(self, body: dict[str, Any], reply: Reply) -> MockResponse:
        message = self._message_json(body.get("model"), reply)
        if not body.get("stream"):
            return _json(200, message)
        events = reply_events(message, reply.chunk_size, reply.fail_after_events)
        return MockResponse(200, dict(_SSE_HEADERS), [sse_bytes(e) for e in events])

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
            batch = _Batch(self._ids.next("msgbatch"), list(body.get("requests", [])))
            self._batches[batch.id] = batch
        return self._batch_json(batch, None)

    def _batch_json(self, batch: _Batch, base: str | None) -> dict[str, Any]:
        """Created batches are in progress; any retrieve finds them ended, results ready."""
        ended = base is not None
        total = len(batch.requests)
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": {
                "processing": 0 if ended else total,
                "succeeded": self._succeeded(batch) if ended else 0,
                "errored": total - self._succeeded(batch) if ended else 0,
                "canceled": 0,
                "expired": 0,
            },
            "created_at": "2025-01-01T00:00:00Z",
            "expires_at": "2025-01-02T00:00:00Z",
            "ended_at": "2025-01-01T00:05:00Z" if ended else None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": f"{base}/v1/messages/batches/{batch.id}/results" if ended else None,
        }

    def _succeeded(self, batch: _Batch) -> int:
        failed = (self.batch_outcomes.get(r.get("custom_id", "")) for r in batch.requests)
        return sum(1 for outcome in failed if not isinstance(outcome, ApiError))

    def _batch_results(self, batch: _Batch) -> MockResponse:
        lines = [
            json.dumps(self._batch_line(request)).encode() + b"\n" for request in batch.requests
        ]
        return MockResponse(200, {"content-type": "application/binary"}, lines)

    def _batch_line(self, request: dict[str, Any]) -> dict[str, Any]:
        custom_id = request.get("custom_id", "")
        outcome = self.batch_outcomes.get(custom_id, self.default)
        if isinstance(outcome, ApiError):
            error = outcome.body("req_batch")
            error.pop("request_id")
            return {"custom_id": custom_id, "result": {"type": "errored", "error": error}}
        model = (request.get("params") or {}).get("model")
        message = self._message_json(model, outcome)
        return {"custom_id": custom_id, "result": {"type": "succeeded", "message": message}}

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
            answer.status, headers=answer.headers, stream=_ChunkStream(answer.chunks)
        )


def _route(method: str, path: str) -> tuple[str, str]:
    parts = [p for p in path.split("/") if p]
    if parts[:2] != ["v1", "messages"]:
        return f"unknown:{path}", ""
    rest = parts[2:]
    if not rest:
        return ("messages", "") if method == "POST" else ("unknown", "")
    if rest == ["count_tokens"]:
        return "count_tokens", ""
    if rest[0] == "batches":
        if len(rest) == 1:
            return ("batches.create", "") if method == "POST" else ("batches.list", "")
        if len(rest) == 3 and rest[2] == "results":
            return "batches.results", rest[1]
        return "batches.retrieve", rest[1]
    return f"unknown:{path}", ""


def _count(body: Any) -> int:
    """A deterministic stand-in for tokenization: one token per 4 bytes of the messages' JSON."""
    messages = (body or {}).get("messages", [])
    return max(1, len(json.dumps(messages, separators=(",", ":"))) // 4)


def _json(status: int, payload: Any) -> MockResponse:
    return MockResponse(
        status, {"content-type": "application/json"}, [json.dumps(payload).encode()]
    )


def _error_response(error: ApiError, request_id: str) -> MockResponse:
    response = _json(error.status, error.body(request_id))
    response.headers["request-id"] = request_id
    if error.retry_after_ms is not None:
        response.headers["retry-after-ms"] = str(error.retry_after_ms)
        response.headers["retry-after"] = str(max(1, error.retry_after_ms // 1000))
    if error.should_retry is not None:
        response.headers["x-should-retry"] = "true" if error.should_retry else "false"
    return response


def _handler_class(mock: MockAnthropic) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            path, _, query = self.path.partition("?")
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            host = self.headers.get("host") or f"127.0.0.1:{self.server.server_address[1]}"
            answer = mock.handle(self.command, path, query, headers, raw, f"http://{host}")
            if answer is None:
                self.close_connection = True
                return
            body = b"".join(answer.chunks)
            self.send_response(answer.status)
            for key, value in {**answer.headers, "content-length": str(len(body))}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    return Handler
