"""Import path kept for tests: the mock itself is `sample_data.mock.anthropic_api`."""

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
