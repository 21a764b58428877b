"""One POST of a spooled batch to `/v1/traces`, and what the answer means."""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx
from google.protobuf.message import DecodeError
from google.rpc import status_pb2
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceResponse,
)

from instrument.delivery.config import DeliveryConfig
from instrument.delivery.retry import Verdict, classify, parse_retry_after

__all__ = ["Attempt", "Sender"]

_MAX_MESSAGE = 500


@dataclass(frozen=True, slots=True)
class Attempt:
    verdict: Verdict
    status: int | None  # None: no answer at all (refused, reset, timed out)
    retry_after: float | None = None
    message: str = ""
    rejected_spans: int = 0  # spans a 200 answer reported as rejected (partial success)


class Sender:
    def __init__(self, config: DeliveryConfig, client: httpx.Client | None = None) -> None:
        self._url = str(config.traces_url)
        self._headers = config.request_headers()
        self._timeout = config.timeout_s
        # No redirects: a redirect would replay the Authorization header elsewhere.
        self._client = client or httpx.Client(follow_redirects=False)

    def send(self, body: bytes, gzip: bool, timeout: float | None = None) -> Attempt:
        headers = dict(self._headers)
        if gzip:
            headers["Content-Encoding"] = "gzip"
        try:
            response = self._client.post(
                self._url, content=body, headers=headers, timeout=timeout or self._timeout
            )
        except httpx.HTTPError as exc:  # refused, reset, timed out, DNS: the collector is away
            return Attempt(Verdict.RETRY, None, message=f"{type(exc).__name__}: {exc}")
        return interpret(response)

    def close(self) -> None:
        self._client.close()


def interpret(response: httpx.Response) -> Attempt:
    verdict = classify(response.status_code)
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if verdict is Verdict.DELIVERED:
        rejected, message = _partial_success(response)
        return Attempt(verdict, response.status_code, None, message, rejected)
    return Attempt(verdict, response.status_code, retry_after, _error_message(response))


def _is_protobuf(response: httpx.Response) -> bool:
    return "protobuf" in response.headers.get("content-type", "")


def _partial_success(response: httpx.Response) -> tuple[int, str]:
    if not response.content:
        return 0, ""
    if _is_protobuf(response):
        parsed = ExportTraceServiceResponse()
        try:
            parsed.ParseFromString(response.content)
        except DecodeError:
            return 0, ""
        partial = parsed.partial_success
        return int(partial.rejected_spans), partial.error_message
    try:
        partial = json.loads(response.content).get("partialSuccess") or {}
    except (ValueError, AttributeError):
        return 0, ""
    return int(partial.get("rejectedSpans") or 0), str(partial.get("errorMessage") or "")


def _error_message(response: httpx.Response) -> str:
    """The collector's own words: google.rpc.Status `message`, else the start of the body."""
    if _is_protobuf(response):
        status = status_pb2.Status()
        try:
            status.ParseFromString(response.content)
            return status.message[:_MAX_MESSAGE]
        except DecodeError:
            pass
    try:
        parsed = json.loads(response.content)
    except ValueError:
        return response.text[:_MAX_MESSAGE]
    if isinstance(parsed, dict):
        inner = parsed.get("error") if isinstance(parsed.get("error"), dict) else parsed
        if isinstance(inner.get("message"), str):
            return inner["message"][:_MAX_MESSAGE]
    return response.text[:_MAX_MESSAGE]
