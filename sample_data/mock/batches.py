"""Message batches in the mock: a created batch is in progress; any later retrieve finds it
ended with its results ready (one JSONL line per request, from `batch_outcomes` by custom_id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sample_data.mock.outcomes import ApiError


@dataclass
class Batch:
    id: str
    requests: list[dict[str, Any]]
    retrieved: int = 0


def batch_json(batch: Batch, base: str | None, succeeded: int) -> dict[str, Any]:
    """The batch as the API shows it: in progress when `base` is None (just created), else
    ended, with its results URL under `base`."""
    ended = base is not None
    total = len(batch.requests)
    return {
        "id": batch.id,
        "type": "message_batch",
        "processing_status": "ended" if ended else "in_progress",
        "request_counts": {
            "processing": 0 if ended else total,
            "succeeded": succeeded if ended else 0,
            "errored": total - succeeded if ended else 0,
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


def errored_line(custom_id: str, error: ApiError) -> dict[str, Any]:
    """A results line for a request that failed: the API's error body without request_id."""
    body = error.body("req_batch")
    body.pop("request_id")
    return {"custom_id": custom_id, "result": {"type": "errored", "error": body}}


def succeeded_line(custom_id: str, message: dict[str, Any]) -> dict[str, Any]:
    return {"custom_id": custom_id, "result": {"type": "succeeded", "message": message}}
