"""Server-side redaction of spans that did not come through this project's SDK.

Other emitters (OpenLLMetry, OpenInference, the anthropic SDK's native spans, OTel
instrumentations) ship raw prompts, tool arguments and results. The ingest path calls
`redact_spans` on each decoded batch *before* anything is written, so raw content never
reaches the store. All content values of a batch go to the redactor in one batch
(`Redactor.redact_values`: JSON is parsed and its string leaves redacted and cached).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from instrument.redaction import Redactor

SDK_MARKER_KEY = "tracevault.redaction.by"
SDK_MARKER = "tracevault-sdk"

# Content-bearing attributes of every convention in genai-conventions.md.
_CONTENT_KEY = re.compile(
    r"""^(?:
        gen_ai\.(?:input|output)\.messages | gen_ai\.system_instructions
      | gen_ai\.tool\.call\.(?:arguments|result)
      | gen_ai\.(?:prompt|completion)(?:\..+)?            # older OTel and OpenLLMetry
      | llm\.(?:input|output)_messages\..+ | llm\.prompts(?:\..+)?   # OpenInference
      | llm\.prompt_template\.variables
      | (?:input|output)\.value
      | retrieval\.documents\..+\.document\.content | embedding\.embeddings\..+\.text
      | traceloop\.entity\.(?:input|output)
      | exception\.(?:message|stacktrace)
    )$""",
    re.VERBOSE,
)
# Events whose whole attribute set is message content (the older GenAI event conventions).
_CONTENT_EVENT = re.compile(
    r"^gen_ai\.(?:\w+\.message|choice|content\.(?:prompt|completion)"
    r"|client\.inference\.operation\.details)$"
)
# Metadata keys that stay readable even on content events.
_METADATA_KEY = re.compile(r"^(?:gen_ai\.(?:system|provider\.name)|role|index|finish_reason)$")


def is_sdk_redacted(attributes: dict[str, Any]) -> bool:
    return attributes.get(SDK_MARKER_KEY) == SDK_MARKER


def _content_slots(
    attributes: dict[str, Any], events: list[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], str]]:
    """Every (mapping, key) pair of a span holding content, span attributes first."""
    for key in attributes:
        if _CONTENT_KEY.match(key):
            yield attributes, key
    for event in events:
        event_attrs = event.get("attributes") or {}
        whole = bool(_CONTENT_EVENT.match(str(event.get("name", ""))))
        for key in event_attrs:
            if _CONTENT_KEY.match(key) or (whole and not _METADATA_KEY.match(key)):
                yield event_attrs, key


def has_raw_content(attributes: dict[str, Any], events: list[dict[str, Any]]) -> bool:
    """True if the span carries content that this project's SDK did not redact."""
    if is_sdk_redacted(attributes):
        return False
    return any(
        mapping[key] not in (None, "", [], {})
        for mapping, key in _content_slots(attributes, events)
    )


def redact_spans(
    spans: list[tuple[dict[str, Any], list[dict[str, Any]]]], redactor: Redactor
) -> list[dict[str, int]]:
    """Redact many spans' content in place with one redactor batch; entity counts per span."""
    slots = [
        [] if is_sdk_redacted(attrs) else list(_content_slots(attrs, events))
        for attrs, events in spans
    ]
    values = [mapping[key] for span_slots in slots for mapping, key in span_slots]
    redacted, value_counts = redactor.redact_values(values)
    done = iter(zip(redacted, value_counts, strict=True))
    per_span: list[dict[str, int]] = []
    for span_slots in slots:
        counts: dict[str, int] = {}
        for mapping, key in span_slots:
            mapping[key], found = next(done)
            for entity, n in found.items():
                counts[entity] = counts.get(entity, 0) + n
        per_span.append(counts)
    return per_span


def redact_span_content(
    attributes: dict[str, Any], events: list[dict[str, Any]], redactor: Redactor
) -> dict[str, int]:
    """Redact one span's content in place; the entity types found and how many."""
    return redact_spans([(attributes, events)], redactor)[0]
