"""A scriptable mock of the Anthropic Messages API: as an httpx2 transport or a loopback server.

Shipped in the package (not only in tests) because the demo's sample agents run against it.
"""

from sample_data.mock.anthropic_api import (
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
