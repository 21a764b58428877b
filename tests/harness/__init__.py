"""Shared test doubles. The Anthropic mock lives in `sample_data.mock` (the demo uses it too);
`tests.harness.mock_anthropic` stays importable for tests."""

from sample_data.mock import (
    ApiError,
    Disconnect,
    MockAnthropic,
    MockUsage,
    RecordedRequest,
    Reply,
    TokenCount,
    text_block,
    thinking_block,
    tool_use_block,
)

__all__ = [
    "ApiError",
    "Disconnect",
    "MockAnthropic",
    "MockUsage",
    "RecordedRequest",
    "Reply",
    "TokenCount",
    "text_block",
    "thinking_block",
    "tool_use_block",
]
