"""Map a decoded span of any GenAI convention onto the canonical record of `collector.schema`.

Families read (see shared/reference/genai-conventions.md): OTel GenAI current and older names,
OpenLLMetry (Traceloop), OpenInference (Arize), the anthropic SDK's native spans (`anthropic.*`
extras) and this project's instrument (`tracevault.*`). Where they disagree the record uses:

- operation: OTel names (chat, execute_tool, invoke_agent, ...); OpenInference kinds map
  LLM->chat, TOOL->execute_tool, AGENT->invoke_agent, CHAIN->chain, EMBEDDING->embeddings.
- finish_reason: the OTel vocabulary (stop, length, tool_call, content_filter, error). Anthropic's
  raw stop reasons are mapped (end_turn/stop_sequence->stop, max_tokens->length,
  tool_use->tool_call, refusal->content_filter) because OpenLLMetry only sends mapped values.
- tokens and cost exist only on inference spans (chat, text_completion, generate_content,
  embeddings). Agent/workflow spans often repeat their children's usage: on those, tokens and
  cost are None and whatever they sent stays in `attributes` only, so sums never double count.
  Input is stored inclusive of cache; an input smaller than read + write was sent disjoint and
  gets them added. Cost is the emitter's `tracevault.cost.usd` when sent, else the price table's.
- tool_name / tool_call_id: the tool of an execute_tool span; on an inference span, the first
  tool call the model asked for (so "which call requested tool X" is one filter).
- error_class: `tracevault.error.class` when sent; else derived for error spans: any error on an
  execute_tool span -> tool; 429, 408, 5xx, 529, timeouts, connection errors -> transient;
  other 4xx (400, 401, 403, 404, 413, 422, ...) -> permanent; unknown -> None.
- redaction: built from `tracevault.redaction.by`, `tracevault.redaction.entities.<TYPE>` and
  `tracevault.content_dropped` (or `tracevault.redaction.content_dropped`); None when absent.
  Server-side redaction should set the same attributes before calling `to_record`.
- attributes: every raw attribute except those whose value the `content` column holds.

Modules: `slots` (attribute name -> slot), `fields` (scalar fields), `errors` (error class),
`content` (messages), `record` (`to_row` for the ingest path, `to_record`).
"""

from collector.normalize.content import build_content
from collector.normalize.fields import INFERENCE_OPERATIONS
from collector.normalize.record import ROW_FIELDS, TIME_FIELDS, to_record, to_row

__all__ = [
    "INFERENCE_OPERATIONS",
    "ROW_FIELDS",
    "TIME_FIELDS",
    "build_content",
    "to_record",
    "to_row",
]
