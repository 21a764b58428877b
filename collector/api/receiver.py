"""POST /v1/traces: the OTLP/HTTP receiver (protobuf and JSON, gzip and deflate)."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from collector import otlp
from collector.api.deps import RuntimeDep, authorize
from collector.errors import PayloadTooLargeError, TracevaultError
from collector.ingest import PROTOBUF, media_type
from collector.keys import Role

router = APIRouter()


async def _read_capped(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(f"body exceeds {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(f"body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


# google.rpc.Code for the HTTP answers we give (OTLP error bodies carry gRPC codes).
_GRPC_CODES = {400: 3, 401: 16, 403: 7, 413: 8, 415: 3, 429: 8, 503: 14}


def otlp_error(content_type: str, exc: TracevaultError) -> Response:
    """OTLP answers errors with a google.rpc.Status in the request's own encoding."""
    kind = content_type if content_type in (PROTOBUF, "application/json") else "application/json"
    headers = {}
    retry_after = getattr(exc, "retry_after_s", None)
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    body = otlp.encode_status(kind, _GRPC_CODES.get(exc.status_code, 13), str(exc))
    return Response(body, status_code=exc.status_code, media_type=kind, headers=headers)


@router.post("/v1/traces", tags=["ingest"], summary="OTLP/HTTP trace export")
async def receive_traces(request: Request, runtime: RuntimeDep) -> Response:
    started = time.perf_counter()
    raw_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    metrics = runtime.metrics
    try:
        key = authorize(request, Role.INGEST)
        kind = media_type(request.headers.get("content-type"))
        body = await _read_capped(request, runtime.settings.max_body_bytes)
        prepared, committed = await run_in_threadpool(
            runtime.ingest.accept,
            body,
            kind,
            request.headers.get("content-encoding"),
            key.project,
            key.key_id,
        )
        if committed is not None:
            await asyncio.wrap_future(committed)
            metrics.spans_received.labels(key.project).inc(prepared.accepted)
    except TracevaultError as exc:
        metrics.spans_rejected.labels(type(exc).__name__).inc()
        return otlp_error(raw_type, exc)
    finally:
        metrics.queue_depth.set(runtime.store.queue_depth())
    if prepared.rejected:
        metrics.spans_rejected.labels("invalid_span").inc(prepared.rejected)
    metrics.commit_latency.observe(time.perf_counter() - started)
    body = otlp.encode_export_response(kind, prepared.rejected, prepared.message)
    return Response(body, media_type=kind)
