"""The HTTP side of the mock: routing a request to its queue key, the response shapes (JSON and
the API's errors), the chunked body httpx2 clients read, and the loopback server's handler.

The handler calls a `Handle` function (the mock's `handle`), so this module knows nothing of
the scripted state.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx2

from sample_data.mock.outcomes import ApiError

SSE_HEADERS = {"content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache"}


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


class ChunkStream(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A body delivered chunk by chunk, to sync and async clients alike."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            await asyncio.sleep(0)
            yield chunk


# method, path, query, lower-cased headers, raw body, base URL -> the answer (None: drop it)
Handle = Callable[[str, str, str, dict[str, str], bytes, str], MockResponse | None]


def route_for(method: str, path: str) -> tuple[str, str]:
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


def count_tokens(body: Any) -> int:
    """A deterministic stand-in for tokenization: one token per 4 bytes of the messages' JSON."""
    messages = (body or {}).get("messages", [])
    return max(1, len(json.dumps(messages, separators=(",", ":"))) // 4)


def json_response(status: int, payload: Any) -> MockResponse:
    return MockResponse(
        status, {"content-type": "application/json"}, [json.dumps(payload).encode()]
    )


def error_response(error: ApiError, request_id: str) -> MockResponse:
    response = json_response(error.status, error.body(request_id))
    response.headers["request-id"] = request_id
    if error.retry_after_ms is not None:
        response.headers["retry-after-ms"] = str(error.retry_after_ms)
        response.headers["retry-after"] = str(max(1, error.retry_after_ms // 1000))
    if error.should_retry is not None:
        response.headers["x-should-retry"] = "true" if error.should_retry else "false"
    return response


def handler_class(handle: Handle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            path, _, query = self.path.partition("?")
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            host = self.headers.get("host") or f"127.0.0.1:{self.server.server_address[1]}"
            answer = handle(self.command, path, query, headers, raw, f"http://{host}")
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
