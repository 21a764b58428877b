"""`tracevault serve`: one process owns the DuckDB file, receives OTLP, serves the API."""

from __future__ import annotations

import logging

import uvicorn

from collector.app import create_app
from collector.runtime import build_runtime
from collector.settings import load_settings


def serve(db_path: str | None = None, host: str | None = None, port: int | None = None) -> None:
    settings = load_settings(db_path=db_path, host=host, port=port)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    runtime = build_runtime(settings)
    app = create_app(runtime)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
