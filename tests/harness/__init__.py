"""Shared test doubles: a scriptable mock of the Anthropic Messages API."""

from tests.harness.mock_anthropic import (
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
