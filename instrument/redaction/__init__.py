"""PII and secret redaction on presidio-analyzer with the offline spaCy model.

Importing this package is cheap: Presidio and spaCy load on the first text a `Redactor` has to
analyze (from a background worker, never the agent's calling thread).
"""

from instrument.redaction.config import (
    DEFAULT_PII_ENTITIES,
    CustomRecognizer,
    RedactionConfig,
    RedactionConfigError,
    load_redaction_config,
)
from instrument.redaction.redactor import Redactor, get_redactor
from instrument.redaction.result import Finding, RedactionResult, merge_counts

__all__ = [
    "DEFAULT_PII_ENTITIES",
    "CustomRecognizer",
    "Finding",
    "RedactionConfig",
    "RedactionConfigError",
    "RedactionResult",
    "Redactor",
    "get_redactor",
    "load_redaction_config",
    "merge_counts",
]
