"""Byte-stream wrappers that record a streamed body and end its call's span.

They replace `response.stream` of a streamed response before the SDK builds its `Stream`,
`MessageStream` or `JSONLDecoder` on it, so one mechanism covers `create(stream=True)`,
`messages.stream()` and batch results, on every SDK version that reads bodies through httpx2.
Per chunk the caller pays one clock read and one list append; the SSE/JSONL parsing happens in
the worker. The call ends when the body is read to the end (`completed`), fails (`failed`), or
is closed or dropped before its end (`closed_early`: an early `break` followed by `close()`,
the context manager's exit, or garbage collection of the abandoned stream).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx2

from instrument.clock import now_ns
from instrument.records import CallRecord

__all__ = ["wrap_response_stream"]


class _Recorder:
    def __init__(self, call: CallRecord) -> None:
        self.call = call
        call.chunks = self.chunks = []

    def done(self, outcome: str, error: BaseException | None = None) -> None:
        self.call.finish(outcome, error)


class RecordingStream(httpx2.SyncByteStream):
    def __init__(self, body: Any, call: CallRecord) -> None:
        self._body = body
        self._recorder = _Recorder(call)

    @property
    def elapsed(self) -> timedelta | None:  # httpx2.Response.elapsed reads it from .stream
        return getattr(self._body, "elapsed", None)

    def __iter__(self) -> Iterator[bytes]:
        append, clock = self._recorder.chunks.append, now_ns
        try:
            for chunk in self._body:
                append((clock(), chunk))
                yield chunk
        except Exception as exc:
            self._recorder.done("failed", exc)
            raise
        self._recorder.done("completed")

    def close(self) -> None:
        self._recorder.done("closed_early")
        close = getattr(self._body, "close", None)
        if close is not None:
            close()

    def __del__(self) -> None:
        self._recorder.done("closed_early")


class AsyncRecordingStream(httpx2.AsyncByteStream):
    def __init__(self, body: Any, call: CallRecord) -> None:
        self._async_body = body
        self._recorder = _Recorder(call)

    @property
    def elapsed(self) -> timedelta | None:
        return getattr(self._async_body, "elapsed", None)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        append, clock = self._recorder.chunks.append, now_ns
        try:
            async for chunk in self._async_body:
                append((clock(), chunk))
                yield chunk
        except Exception as exc:
            self._recorder.done("failed", exc)
            raise
        self._recorder.done("completed")

    async def aclose(self) -> None:
        self._recorder.done("closed_early")
        aclose = getattr(self._async_body, "aclose", None)
        if aclose is not None:
            await aclose()

    def __del__(self) -> None:
        self._recorder.done("closed_early")


class BothRecordingStream(RecordingStream, AsyncRecordingStream):
    """For a body that is sync and async at once (httpx2.ByteStream, mock bodies)."""

    def __init__(self, body: Any, call: CallRecord) -> None:
        RecordingStream.__init__(self, body, call)
        self._async_body = body


def wrap_response_stream(response: httpx2.Response, call: CallRecord) -> None:
    """Put a recorder of the same kind (sync/async) in place of `response.stream`."""
    body = response.stream
    is_sync = isinstance(body, httpx2.SyncByteStream)
    is_async = isinstance(body, httpx2.AsyncByteStream)
    if is_sync and is_async:
        response.stream = BothRecordingStream(body, call)
    elif is_async:
        response.stream = AsyncRecordingStream(body, call)
    else:
        response.stream = RecordingStream(body, call)
