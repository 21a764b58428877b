"""Canonical span records for tests that drive the store directly (no HTTP)."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from collector.schema import FIELD_NAMES

T0 = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


def record(**fields: Any) -> dict[str, Any]:
    start = fields.pop("start_time", T0)
    duration = fields.pop("duration_ms", 100.0)
    rec: dict[str, Any] = dict.fromkeys(FIELD_NAMES)
    rec.update(
        project="p", trace_id=secrets.token_hex(16), span_id=secrets.token_hex(8),
        service_name="svc", name="chat m", kind="client", status="ok", operation="chat",
        request_model="m", start_time=start, end_time=start + timedelta(milliseconds=duration),
        duration_ms=duration, received_at=start, attributes="{}", resource="{}",
    )  # fmt: skip
    for key in ("content", "attributes"):
        if isinstance(fields.get(key), dict | list):
            fields[key] = json.dumps(fields[key])
    rec.update(fields)
    return rec
