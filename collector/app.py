"""The FastAPI application of `tracevault serve`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from collector.api import admin, insights, metrics_api, receiver, traces
from collector.api import alerts as alerts_api
from collector.api import audit as audit_api
from collector.api import findings as findings_api
from collector.audit.access import AccessLogMiddleware
from collector.errors import TracevaultError
from collector.runtime import Runtime

log = logging.getLogger(__name__)


def _error_body(status: int, message: str) -> dict[str, object]:
    return {"error": {"status": status, "message": message}}


def _routers() -> list[APIRouter]:
    # One line per feature router.
    return [
        receiver.router,
        traces.router,
        metrics_api.router,
        admin.router,
        audit_api.router,
        findings_api.router,
        alerts_api.router,
        insights.router,
    ]


def create_app(runtime: Runtime) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runtime.start()
        yield
        runtime.close()

    # FastAPI traces itself by default; a collector exporting its own spans to itself would loop.
    app = FastAPI(
        title="tracevault collector",
        version="0.1.0",
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.runtime = runtime
    app.add_middleware(AccessLogMiddleware)  # reads through the API are themselves audited
    for router in _routers():
        app.include_router(router)

    @app.exception_handler(TracevaultError)
    async def tracevault_error(_: Request, exc: TracevaultError) -> JSONResponse:
        headers = {}
        if getattr(exc, "retry_after_s", None):
            headers["Retry-After"] = str(exc.retry_after_s)  # type: ignore[attr-defined]
        body = _error_body(exc.status_code, str(exc))
        return JSONResponse(body, status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return JSONResponse(_error_body(400, detail), status_code=400)

    return app
