"""What a test scripts for the mock API: replies (with their content blocks and usage), API
errors, dropped connections and token counts. `Outcome` is any one of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
